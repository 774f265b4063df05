/**
 * A float64 reference forward pass of Hugging Face `LlamaForCausalLM`, written from the model's definition
 * (`../shared/fixtures/README.md` §2.3) and sharing no code with llama-core: its own safetensors reader, plain
 * loops over Float64Arrays, no tfjs. It is slow and only meant for tiny models: it produces the golden logits of
 * `test-fixtures/tiny-llama` (see make-tiny-golden.mjs), and the tests check that it reproduces the shared
 * fixtures' PyTorch goldens, which is why its numbers can be trusted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Read every F32 / BF16 tensor of one safetensors file as float64 values keyed by name. */
export function readReferenceTensors(path) {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const start = 8 + headerLength;
  const tensors = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = info.data_offsets;
    const count = info.shape.reduce((product, size) => product * size, 1);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      if (info.dtype === 'F32') values[i] = bytes.readFloatLE(start + begin + 4 * i);
      else if (info.dtype === 'BF16') {
        const bits = bytes.readUInt16LE(start + begin + 2 * i) << 16;
        values[i] = new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0];
      } else throw new Error(`${path}: ${name} has dtype ${info.dtype}; the reference reads F32 and BF16`);
    }
    if (end - begin !== count * (info.dtype === 'F32' ? 4 : 2)) throw new Error(`${path}: ${name} size`);
    tensors.set(name, { shape: info.shape, values });
  }
  return tensors;
}

/** Load `config.json` and `model.safetensors` of a single-file HF LLaMA folder. */
export function loadReferenceModel(dir) {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  if ((config.model_type ?? 'llama') !== 'llama')
    throw new Error(`${dir}: the reference computes llama only`);
  return { config, tensors: readReferenceTensors(join(dir, 'model.safetensors')) };
}

/** y[rows][out] = x[rows][in] · Wᵀ for an HF linear weight W [out, in]. */
function linear(x, weight, rows, inSize, outSize) {
  const y = new Float64Array(rows * outSize);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outSize; o++) {
      let sum = 0;
      for (let i = 0; i < inSize; i++) sum += x[r * inSize + i] * weight[o * inSize + i];
      y[r * outSize + o] = sum;
    }
  }
  return y;
}

function rmsNorm(x, weight, rows, size, eps) {
  const y = new Float64Array(rows * size);
  for (let r = 0; r < rows; r++) {
    let squares = 0;
    for (let i = 0; i < size; i++) squares += x[r * size + i] ** 2;
    const scale = 1 / Math.sqrt(squares / size + eps);
    for (let i = 0; i < size; i++) y[r * size + i] = weight[i] * x[r * size + i] * scale;
  }
  return y;
}

/** HF rotate_half RoPE, in place, on `heads` heads of `headDim` per row; row r is position r. */
function rope(x, rows, heads, headDim, theta) {
  const half = headDim / 2;
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < heads; h++) {
      const base = (r * heads + h) * headDim;
      for (let j = 0; j < half; j++) {
        const angle = r / theta ** ((2 * j) / headDim);
        const [a, b] = [x[base + j], x[base + j + half]];
        x[base + j] = a * Math.cos(angle) - b * Math.sin(angle);
        x[base + j + half] = b * Math.cos(angle) + a * Math.sin(angle);
      }
    }
  }
}

/** Causal softmax attention; query head h reads kv head floor(h / (H / KV)). */
function attention(q, k, v, rows, heads, kvHeads, headDim) {
  const out = new Float64Array(rows * heads * headDim);
  const group = heads / kvHeads;
  for (let h = 0; h < heads; h++) {
    const kvHead = Math.floor(h / group);
    for (let r = 0; r < rows; r++) {
      const scores = new Float64Array(r + 1);
      for (let c = 0; c <= r; c++) {
        let dot = 0;
        for (let d = 0; d < headDim; d++) {
          dot += q[(r * heads + h) * headDim + d] * k[(c * kvHeads + kvHead) * headDim + d];
        }
        scores[c] = dot / Math.sqrt(headDim);
      }
      const max = Math.max(...scores);
      let total = 0;
      for (let c = 0; c <= r; c++) total += scores[c] = Math.exp(scores[c] - max);
      for (let c = 0; c <= r; c++) {
        for (let d = 0; d < headDim; d++) {
          out[(r * heads + h) * headDim + d] += (scores[c] / total) * v[(c * kvHeads + kvHead) * headDim + d];
        }
      }
    }
  }
  return out;
}

/** Logits [T][vocab] (float64) of one sequence of token ids. */
export function referenceLogits({ config, tensors }, ids) {
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const kvHeads = config.num_key_value_heads ?? heads;
  const headDim = config.head_dim ?? hidden / heads;
  const inter = config.intermediate_size;
  const eps = config.rms_norm_eps;
  const theta = config.rope_theta ?? 10000;
  const T = ids.length;
  const weight = (name) => {
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`missing tensor ${name}`);
    return tensor.values;
  };
  const embed = weight('model.embed_tokens.weight');
  let h = new Float64Array(T * hidden);
  for (const [t, id] of ids.entries()) h.set(embed.subarray(id * hidden, (id + 1) * hidden), t * hidden);
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `model.layers.${layer}.`;
    let x = rmsNorm(h, weight(`${p}input_layernorm.weight`), T, hidden, eps);
    const q = linear(x, weight(`${p}self_attn.q_proj.weight`), T, hidden, heads * headDim);
    const k = linear(x, weight(`${p}self_attn.k_proj.weight`), T, hidden, kvHeads * headDim);
    const v = linear(x, weight(`${p}self_attn.v_proj.weight`), T, hidden, kvHeads * headDim);
    rope(q, T, heads, headDim, theta);
    rope(k, T, kvHeads, headDim, theta);
    const mixed = attention(q, k, v, T, heads, kvHeads, headDim);
    const attnOut = linear(mixed, weight(`${p}self_attn.o_proj.weight`), T, heads * headDim, hidden);
    h = h.map((value, i) => value + attnOut[i]);
    x = rmsNorm(h, weight(`${p}post_attention_layernorm.weight`), T, hidden, eps);
    const gate = linear(x, weight(`${p}mlp.gate_proj.weight`), T, hidden, inter);
    const up = linear(x, weight(`${p}mlp.up_proj.weight`), T, hidden, inter);
    const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]);
    const down = linear(act, weight(`${p}mlp.down_proj.weight`), T, inter, hidden);
    h = h.map((value, i) => value + down[i]);
  }
  const normed = rmsNorm(h, weight('model.norm.weight'), T, hidden, eps);
  const head = config.tie_word_embeddings ? embed : weight('lm_head.weight');
  const vocab = config.vocab_size;
  const logits = linear(normed, head, T, hidden, vocab);
  return Array.from({ length: T }, (_, t) => logits.subarray(t * vocab, (t + 1) * vocab));
}

/** log Σ exp of one row, in float64. */
export function logSumExp(row) {
  const max = Math.max(...row);
  let sum = 0;
  for (const value of row) sum += Math.exp(value - max);
  return max + Math.log(sum);
}

/** Index of the largest value and its gap to the second largest. */
export function argmaxWithMargin(row) {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
  let second = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < row.length; j++) if (j !== best) second = Math.max(second, row[j]);
  return { argmax: best, margin: row[best] - second };
}
