# PyTorch peer for bench/kernels.ts: the same matMul shapes and the same transformer block, forward + backward.
# Input (argv[1]): JSON {"threads", "reps", "matmuls": [[label, m, k, n, transA, transB]], "block": {...}}.
# Output (stdout): JSON {"version", "threads", "matmuls": {label: [seconds...]}, "block": [seconds...]}.
import json
import math
import sys
import time

import torch

spec = json.loads(sys.argv[1])
torch.set_num_threads(spec["threads"])
torch.manual_seed(0)
reps = spec["reps"]
result = {"version": torch.__version__, "threads": torch.get_num_threads(), "matmuls": {}}

for label, m, k, n, trans_a, trans_b in spec["matmuls"]:
    a = torch.randn(k, m) if trans_a else torch.randn(m, k)
    b = torch.randn(n, k) if trans_b else torch.randn(k, n)
    a_op = a.t() if trans_a else a
    b_op = b.t() if trans_b else b
    torch.matmul(a_op, b_op)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        torch.matmul(a_op, b_op)
        times.append(time.perf_counter() - start)
    result["matmuls"][label] = times

block = spec["block"]
hidden, heads, seq, batch, inter = block["hidden"], block["heads"], block["seq"], block["batch"], block["intermediate"]
head_dim = hidden // heads


def weight(rows, cols):
    return (torch.randn(rows, cols) / math.sqrt(rows)).requires_grad_()


w = {name: weight(hidden, hidden) for name in ["q", "k", "v", "o"]}
w["gate"], w["up"], w["down"] = weight(hidden, inter), weight(hidden, inter), weight(inter, hidden)
norm1 = torch.ones(hidden, requires_grad=True)
norm2 = torch.ones(hidden, requires_grad=True)
x = torch.randn(batch * seq, hidden)
half = head_dim // 2
inverse = 1.0 / (10000 ** (torch.arange(0, half, dtype=torch.float32) / half))
angles = torch.outer(torch.arange(seq, dtype=torch.float32), inverse)
both = torch.cat([angles, angles], 1)
cos, sin = both.cos(), both.sin()
mask = torch.triu(torch.full((seq, seq), -1e9), 1)


def rms_norm(t, gain):
    return t * torch.rsqrt(t.pow(2).mean(-1, keepdim=True) + 1e-6) * gain


def rope(t):
    first, second = t.chunk(2, -1)
    return t * cos + torch.cat([-second, first], -1) * sin


def to_heads(t):
    return t.reshape(batch, seq, heads, head_dim).transpose(1, 2)


def step():
    h = rms_norm(x, norm1)
    q, k, v = rope(to_heads(h @ w["q"])), rope(to_heads(h @ w["k"])), to_heads(h @ w["v"])
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(head_dim) + mask
    context = torch.softmax(scores, -1) @ v
    attended = x + context.transpose(1, 2).reshape(batch * seq, hidden) @ w["o"]
    g = rms_norm(attended, norm2)
    gate = g @ w["gate"]
    out = attended + (torch.nn.functional.silu(gate) * (g @ w["up"])) @ w["down"]
    loss = out.pow(2).mean()
    params = list(w.values()) + [norm1, norm2]
    torch.autograd.grad(loss, params)


step()
result["block"] = []
for _ in range(reps):
    start = time.perf_counter()
    step()
    result["block"].append(time.perf_counter() - start)
print(json.dumps(result))
