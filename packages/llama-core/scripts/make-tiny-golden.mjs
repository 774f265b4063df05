/**
 * Writes test-fixtures/tiny-llama/: a random LLaMA small enough to commit (config.json, model.safetensors in
 * F32) and golden.json with its logits from the float64 reference of reference-llama.mjs, which reads the
 * weights back from the written file with its own parser. `npm run golden:tiny -w packages/llama-core`
 * regenerates it (same seed → same bytes). golden.json follows the shared fixtures' layout (README §2.4):
 * `base.logits[]` (input_ids, last_logits, logits_first8, logsumexp, argmax, top2_margin) and `base.greedy`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, fillNormal } from '../src/random.ts';
import { writeSafetensors } from '../src/safetensors/writer.ts';
import { argmaxWithMargin, loadReferenceModel, logSumExp, referenceLogits } from './reference-llama.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures', 'tiny-llama');
const SEED = 20261204;

const config = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  torch_dtype: 'float32',
  vocab_size: 128,
  hidden_size: 32,
  intermediate_size: 88,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 8,
  hidden_act: 'silu',
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  rope_scaling: null,
  max_position_embeddings: 64,
  tie_word_embeddings: false,
  bos_token_id: 1,
  eos_token_id: 2,
};

/**
 * Weights: embeddings N(0, 1), RMSNorm weights 1 + 0.1·N(0, 1), each linear N(0, 1/in) — unlike the shared
 * fixtures' 0.02·N(0, 1), this gives logits of order 1 and peaked attention, so every part of the forward pass
 * moves the logits well beyond the test tolerance.
 */
function tensors() {
  const { hidden_size: D, intermediate_size: I, vocab_size: V, head_dim: hd } = config;
  const [H, KV] = [config.num_attention_heads, config.num_key_value_heads];
  const rng = createRng(SEED);
  const normal = (shape, mean, std) =>
    fillNormal(new Float32Array(shape[0] * (shape[1] ?? 1)), rng, mean, std);
  const linearWeight = (name, outSize, inSize) => ({
    name,
    shape: [outSize, inSize],
    data: normal([outSize, inSize], 0, 1 / Math.sqrt(inSize)),
  });
  const list = [{ name: 'model.embed_tokens.weight', shape: [V, D], data: normal([V, D], 0, 1) }];
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `model.layers.${layer}.`;
    list.push(
      { name: `${p}input_layernorm.weight`, shape: [D], data: normal([D], 1, 0.1) },
      linearWeight(`${p}self_attn.q_proj.weight`, H * hd, D),
      linearWeight(`${p}self_attn.k_proj.weight`, KV * hd, D),
      linearWeight(`${p}self_attn.v_proj.weight`, KV * hd, D),
      linearWeight(`${p}self_attn.o_proj.weight`, D, H * hd),
      { name: `${p}post_attention_layernorm.weight`, shape: [D], data: normal([D], 1, 0.1) },
      linearWeight(`${p}mlp.gate_proj.weight`, I, D),
      linearWeight(`${p}mlp.up_proj.weight`, I, D),
      linearWeight(`${p}mlp.down_proj.weight`, D, I),
    );
  }
  list.push({ name: 'model.norm.weight', shape: [D], data: normal([D], 1, 0.1) });
  list.push(linearWeight('lm_head.weight', V, D));
  return list;
}

const round = (value) => Number(value.toPrecision(10));

function logitsRecord(model, ids) {
  const rows = referenceLogits(model, ids);
  const picks = rows.map((row) => argmaxWithMargin(row));
  return {
    input_ids: [ids],
    last_logits: Array.from(rows.at(-1), round),
    logits_first8: [rows.map((row) => Array.from(row.subarray(0, 8), round))],
    logsumexp: [rows.map((row) => round(logSumExp(row)))],
    argmax: [picks.map((pick) => pick.argmax)],
    top2_margin: [picks.map((pick) => round(pick.margin))],
  };
}

function greedy(model, prompt, maxNewTokens) {
  const sequence = [...prompt];
  const margins = [];
  for (let step = 0; step < maxNewTokens; step++) {
    const pick = argmaxWithMargin(referenceLogits(model, sequence).at(-1));
    sequence.push(pick.argmax);
    margins.push(round(pick.margin));
  }
  return {
    prompt,
    max_new_tokens: maxNewTokens,
    eos_stop: false,
    new_tokens: sequence.slice(prompt.length),
    step_top2_margin: margins,
  };
}

await mkdir(out, { recursive: true });
await writeFile(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
await writeSafetensors(join(out, 'model.safetensors'), tensors());
const model = loadReferenceModel(out);
const rng = createRng(SEED + 1);
const randomIds = (length) => Array.from({ length }, () => 3 + Math.floor(rng() * (config.vocab_size - 3)));
const golden = {
  generator:
    'packages/llama-core/scripts/make-tiny-golden.mjs (float64 reference: scripts/reference-llama.mjs)',
  config,
  base: {
    logits: [[1], [1, ...randomIds(6)], [1, ...randomIds(32)]].map((ids) => logitsRecord(model, ids)),
    greedy: greedy(model, [1, ...randomIds(4)], 24),
  },
};
const margins = [
  ...golden.base.logits.flatMap((record) => record.top2_margin[0]),
  ...golden.base.greedy.step_top2_margin,
];
console.log(
  `smallest top-2 margin ${Math.min(...margins).toExponential(2)} (argmax comparisons need it ≫ the tolerance)`,
);
await writeFile(join(out, 'golden.json'), `${JSON.stringify(golden)}\n`);
console.log(`wrote ${out}`);
