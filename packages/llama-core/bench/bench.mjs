// llama-core benchmark: prefill and decode speed of random LLaMA models on the default backend,
// peak RSS while loading, and peers measured in the same run (cpu backend; transposed-flag matMul).
// Usage: npm run bench -w packages/llama-core  [-- --quick]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createLlamaConfig, createRandomModel, generateBatch, selectBackend } from '../dist/index.js';
import { BENCH_MODELS, linearParameters, totalParameters } from './models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const PROMPT = quick ? 32 : 128;
const DECODE = quick ? 8 : 32;

async function timeForward(model, ids, cache) {
  const started = performance.now();
  const logits = model.forward(ids, { cache });
  await logits.data();
  logits.dispose();
  return (performance.now() - started) / 1000;
}

async function measure(model) {
  const config = model.config;
  const prompt = Array.from({ length: PROMPT }, (_, i) => (i * 7919) % config.vocabSize);
  await timeForward(model, [prompt.slice(0, 8)]); // warm-up
  // One-time cost, reported on its own: tfjs's XNNPACK path packs each weight at its first one-row product.
  const firstStepSeconds = await timeForward(model, [[1]]);
  const cache = model.createCache();
  const prefillSeconds = await timeForward(model, [prompt], cache);
  let decodeSeconds = 0;
  for (let i = 0; i < DECODE; i++)
    decodeSeconds += await timeForward(model, [[(i * 31) % config.vocabSize]], cache);
  cache.dispose();
  const P = linearParameters(config);
  const D = config.hiddenSize;
  const L = config.numHiddenLayers;
  const prefillFlops = 2 * P * PROMPT + 4 * L * D * PROMPT * PROMPT;
  let decodeFlops = 0;
  for (let i = 0; i < DECODE; i++) decodeFlops += 2 * P + 4 * L * D * (PROMPT + i + 1);
  return {
    prefillTokensPerSecond: PROMPT / prefillSeconds,
    prefillGflops: prefillFlops / prefillSeconds / 1e9,
    decodeTokensPerSecond: DECODE / decodeSeconds,
    decodeGflops: decodeFlops / decodeSeconds / 1e9,
    firstStepSeconds,
  };
}

async function matMulPeer(size) {
  const x = tf.randomNormal([1, size]);
  const w = tf.randomNormal([size, size]);
  const time = async (transposeB) => {
    const runs = 50;
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      const y = tf.matMul(x, w, false, transposeB);
      await y.data();
      y.dispose();
    }
    return (performance.now() - started) / runs;
  };
  await time(false);
  const plain = await time(false);
  const transposed = await time(true);
  tf.dispose([x, w]);
  return { plainMs: plain, transposedMs: transposed, ratio: transposed / plain };
}

// generation throughput (prefill + decode, greedy) of `generate`-style batch 1 vs generateBatch with 8 rows
async function batchedThroughput(model) {
  const result = {};
  for (const batch of [1, 8]) {
    const inputIds = Array.from({ length: batch }, (_, r) =>
      Array.from({ length: 32 }, (_, i) => (r * 97 + i * 13) % model.config.vocabSize),
    );
    const started = performance.now();
    await generateBatch({ model, inputIds, maxNewTokens: DECODE / 2, eosTokenId: [] });
    result[batch] = (batch * (DECODE / 2)) / ((performance.now() - started) / 1000);
  }
  return result;
}

const fmt = (value, digits = 1) => value.toFixed(digits);
const rows = [];
const selected = await selectBackend();
console.log(
  `backend: ${selected.name} (${selected.source}); prompt ${PROMPT} tokens, decode ${DECODE} tokens, batch 1`,
);

for (const [label, init] of Object.entries(BENCH_MODELS)) {
  const config = createLlamaConfig(init);
  const model = await createRandomModel(config, { seed: 1, backend: selected.name });
  const result = await measure(model);
  rows.push({ label, backend: selected.name, params: totalParameters(config), ...result });
  if (label === '160M') {
    rows.at(-1).batched = await batchedThroughput(model);
    const dir = mkdtempSync(join(tmpdir(), 'lawgpt-bench-'));
    await model.save(dir);
    const rss = JSON.parse(
      execFileSync(process.execPath, [join(here, 'load-rss.mjs'), dir], { encoding: 'utf8' }),
    );
    rows.at(-1).load = { ...rss, weightBytes: totalParameters(config) * 4 };
    rmSync(dir, { recursive: true, force: true });
  }
  model.dispose();
}

// peer 1: the same 20M model on the pure-JS cpu backend
const cpuModel = await createRandomModel(createLlamaConfig(BENCH_MODELS['20M']), { seed: 1, backend: 'cpu' });
if (tf.getBackend() !== 'cpu') throw new Error(`peer expected the cpu backend, got ${tf.getBackend()}`);
rows.push({
  label: '20M',
  backend: 'cpu',
  params: totalParameters(cpuModel.config),
  ...(await measure(cpuModel)),
});
cpuModel.dispose();
await selectBackend({ backend: selected.name });

// peer 2: our [in, out] layout (plain matMul) vs the HF [out, in] layout (transposeB flag), one 768² decode matMul
const layout = await matMulPeer(768);

console.log(
  '\n| model | params | backend | prefill tok/s | prefill GFLOP/s | decode tok/s | decode GFLOP/s |',
);
console.log('|---|---:|---|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${row.label} | ${fmt(row.params / 1e6)}M | ${row.backend} | ${fmt(row.prefillTokensPerSecond)} | ${fmt(row.prefillGflops, 2)} | ${fmt(row.decodeTokensPerSecond)} | ${fmt(row.decodeGflops, 2)} |`,
  );
}
const wasm20 = rows.find((row) => row.label === '20M' && row.backend === selected.name);
const cpu20 = rows.find((row) => row.label === '20M' && row.backend === 'cpu');
console.log(
  `\nratio ${selected.name}/cpu (20M): prefill ${fmt(wasm20.prefillTokensPerSecond / cpu20.prefillTokensPerSecond)}x, decode ${fmt(wasm20.decodeTokensPerSecond / cpu20.decodeTokensPerSecond)}x`,
);
for (const row of rows)
  console.log(
    `first one-token step ${row.label} ${row.backend} (weights packed for decoding): ${fmt(row.firstStepSeconds * 1000, 0)} ms`,
  );
console.log(
  `layout peer (1×768 · 768×768): plain [in,out] ${fmt(layout.plainMs, 3)} ms, transposeB [out,in] ${fmt(layout.transposedMs, 3)} ms → ${fmt(layout.ratio)}x`,
);
const batched = rows.find((row) => row.batched)?.batched;
if (batched) {
  console.log(
    `batched generation 160M (32-token prompts, ${DECODE / 2} new tokens): batch 1 ${fmt(batched[1])} tok/s, generateBatch ×8 ${fmt(batched[8])} tok/s → ${fmt(batched[8] / batched[1])}x`,
  );
}
const load = rows.find((row) => row.load)?.load;
if (load) {
  console.log(
    `load 160M: ${fmt(load.seconds, 2)} s, peak RSS ${fmt(load.peakRss / 2 ** 20, 0)} MiB (process baseline ${fmt(load.before / 2 ** 20, 0)} MiB, weights ${fmt(load.weightBytes / 2 ** 20, 0)} MiB) → ${fmt((load.peakRss - load.before) / load.weightBytes, 2)}× the weights`,
  );
}
