// Kernel benchmark: matMul GFLOP/s and one transformer block forward+backward per engine (stock tfjs wasm, the
// project's WASM SIMD kernel on 1 and on all threads, the native addon), PyTorch (Debian python3-torch via
// /usr/bin/python3) doing the same work in the same run, and decode tokens/s of random 20M / 160M models per
// engine with llama.cpp (node-llama-cpp, optional: `npm run bench:peers`) decoding the same weights exported to
// GGUF in the same run.
// Usage: npm run bench:kernels -w packages/llama-core [-- --reps 5 --stock-reps 1 --quick --json out.json]
// The machine is shared: every number is the median of --reps runs; compare ratios within one run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { type KernelState, useKernels } from '@lawgpt/engine';
import {
  blockFlops,
  createTransformerBlock,
  NOTES_BLOCK,
} from '../../engine/src/kernels/internal/transformer-block.js';
import { createLlamaConfig } from '../src/config.js';
import { exportGguf } from '../src/gguf/export-gguf.js';
import { createRandomModel } from '../src/random-model.js';
import { disposeLlamaCpp, llamaCppDecodeSpeed, loadLlamaCpp } from './llama-cpp-peer.mjs';
import { BENCH_MODELS } from './models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const quick = argv.includes('--quick');
const REPS = option('reps', quick ? 2 : 3);
const STOCK_REPS = option('stock-reps', 1);
const THREADS = availableParallelism();
const jsonIndex = argv.indexOf('--json');

/** [label, m, k, n, transposeA, transposeB] */
const MATMULS: Array<[string, number, number, number, boolean, boolean]> = [
  ['1024³ NN', 1024, 1024, 1024, false, false],
  ['1024³ NT', 1024, 1024, 1024, false, true],
  ['1024³ TN', 1024, 1024, 1024, true, false],
  ['4096×4096·4096×1', 4096, 4096, 1, false, false],
  ['256×4096·4096×11008', 256, 4096, 11008, false, false],
];

interface EngineSpec {
  label: string;
  engine: 'stock' | 'wasm' | 'native';
  threads: number;
}
const ENGINES: EngineSpec[] = [
  { label: 'stock tfjs wasm', engine: 'stock', threads: 1 },
  { label: 'own wasm ×1', engine: 'wasm', threads: 1 },
  { label: `own wasm ×${THREADS}`, engine: 'wasm', threads: THREADS },
  { label: `native ×${THREADS}`, engine: 'native', threads: THREADS },
];

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

async function timeMatMul(spec: (typeof MATMULS)[number], reps: number): Promise<number[]> {
  const [, m, k, n, transposeA, transposeB] = spec;
  const a = tf.randomNormal(transposeA ? [k, m] : [m, k]);
  const b = tf.randomNormal(transposeB ? [n, k] : [k, n]);
  const times: number[] = [];
  // Two warm-up products: V8 tiers wasm functions up after their first calls.
  for (let rep = -2; rep < reps; rep++) {
    const started = performance.now();
    const product = tf.matMul(a, b, transposeA, transposeB);
    await product.data();
    if (rep >= 0) times.push((performance.now() - started) / 1000);
    product.dispose();
  }
  tf.dispose([a, b]);
  return times;
}

async function timeBlock(reps: number): Promise<number[]> {
  const block = createTransformerBlock(NOTES_BLOCK);
  const times: number[] = [];
  for (let rep = -1; rep < reps; rep++) {
    const started = performance.now();
    const { loss, grads } = block.step();
    await loss.data();
    if (rep >= 0) times.push((performance.now() - started) / 1000);
    tf.dispose([loss, ...Object.values(grads)]);
  }
  block.dispose();
  return times;
}

const DECODE_TOKENS = { '20M': 48, '160M': 16 } as const;
const PROMPT = [1, 2, 3, 4, 5, 6, 7, 8];

/** Decode tokens/s of a random model on `engine` (median of 3 runs): one token per forward pass through the KV cache. */
async function timeDecode(size: '20M' | '160M', engine: KernelState['engine']): Promise<number | string> {
  try {
    const model = await createRandomModel(createLlamaConfig(BENCH_MODELS[size]), {
      seed: 1,
      backend: 'wasm',
      kernels: engine, // the engine this column set up with useKernels
    });
    const cache = model.createCache();
    (await model.forward([PROMPT], { cache })).dispose();
    // Two untimed tokens: one-time work (XNNPACK packs each weight on its first one-row product) stays out.
    for (const id of [9, 10]) (await model.forward([[id]], { cache })).dispose();
    const tokens = DECODE_TOKENS[size];
    const speeds: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const started = performance.now();
      for (let index = 0; index < tokens; index++) {
        const logits = model.forward([[(index * 31) % 32000]], { cache });
        await logits.data();
        logits.dispose();
      }
      speeds.push(tokens / ((performance.now() - started) / 1000));
    }
    cache.dispose();
    model.dispose();
    return median(speeds);
  } catch (error) {
    return `failed: ${(error as Error).message.slice(0, 80)}`;
  }
}

/** llama.cpp decoding the same random model (same seed) exported to an F32 GGUF; a reason when absent. */
async function llamaCppDecode(size: '20M' | '160M'): Promise<number | string> {
  const peer = await loadLlamaCpp();
  if (!peer.llama) return peer.reason;
  const dir = mkdtempSync(join(tmpdir(), 'lawgpt-bench-gguf-'));
  try {
    const model = await createRandomModel(createLlamaConfig(BENCH_MODELS[size]), {
      seed: 1,
      backend: 'wasm',
    });
    const ggufPath = join(dir, `random-${size}.gguf`);
    await exportGguf({ model, path: ggufPath, dtype: 'F32' });
    model.dispose();
    // llama.cpp at its best thread count: its threads spin-wait on each other, and on a shared machine one
    // thread is often faster than all of them. Median of 3 runs per thread count.
    let best = 0;
    for (const threads of new Set([1, THREADS])) {
      const speeds: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        const { tokensPerSecond } = await llamaCppDecodeSpeed({
          ggufPath,
          promptTokens: PROMPT,
          tokens: DECODE_TOKENS[size],
          threads,
        });
        speeds.push(tokensPerSecond);
      }
      best = Math.max(best, median(speeds));
    }
    return best;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function torchPeer():
  | { version: string; threads: number; matmuls: Record<string, number[]>; block: number[] }
  | string {
  const python = '/usr/bin/python3';
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return 'PyTorch absent (apt-get install -y python3-torch libopenblas0-pthread)';
  }
  const spec = { threads: THREADS, reps: REPS, matmuls: MATMULS, block: NOTES_BLOCK };
  const out = execFileSync(python, [join(here, 'kernels-torch.py'), JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const results: Record<
    string,
    {
      state: KernelState;
      matmuls: Record<string, number[]>;
      block: number[];
      decode: Record<string, number | string>;
    }
  > = {};
  for (const spec of ENGINES) {
    const state = useKernels({ engine: spec.engine, threads: spec.threads });
    if (state.engine !== spec.engine)
      throw new Error(`${spec.label}: engine fell back: ${state.fallbacks.join('; ')}`);
    const reps = spec.engine === 'stock' ? STOCK_REPS : REPS;
    const matmuls: Record<string, number[]> = {};
    for (const matmul of MATMULS) {
      matmuls[matmul[0]] = await timeMatMul(matmul, reps);
      console.error(
        `${spec.label} ${matmul[0]}: ${matmuls[matmul[0]]!.map((s) => (s * 1000).toFixed(1)).join(' ')} ms`,
      );
    }
    const block = await timeBlock(reps);
    console.error(`${spec.label} block: ${block.map((s) => (s * 1000).toFixed(0)).join(' ')} ms`);
    const decode: Record<string, number | string> = {};
    if (!quick)
      for (const size of ['20M', '160M'] as const) decode[size] = await timeDecode(size, spec.engine);
    results[spec.label] = { state, matmuls, block, decode };
  }
  useKernels({ engine: 'stock' });
  const llamaCpp: Record<string, number | string> = {};
  if (!quick) {
    for (const size of ['20M', '160M'] as const) llamaCpp[size] = await llamaCppDecode(size);
    await disposeLlamaCpp();
  }
  const torch = torchPeer();
  report(results, torch, llamaCpp);
  if (jsonIndex >= 0)
    writeFileSync(argv[jsonIndex + 1]!, JSON.stringify({ results, torch, llamaCpp }, null, 2));
}

function report(
  results: Record<
    string,
    { matmuls: Record<string, number[]>; block: number[]; decode: Record<string, number | string> }
  >,
  torch: ReturnType<typeof torchPeer>,
  llamaCpp: Record<string, number | string>,
): void {
  const columns = Object.keys(results);
  const torchLabel = typeof torch === 'string' ? undefined : `PyTorch ${torch.version} ×${torch.threads}`;
  const header = [...columns, ...(torchLabel ? [torchLabel] : [])];
  const lines = [
    `| matMul GFLOP/s (median of runs) | ${header.join(' | ')} |`,
    `|---|${header.map(() => '---:').join('|')}|`,
  ];
  for (const [label, m, k, n] of MATMULS) {
    const flops = 2 * m * k * n;
    const cells = columns.map((column) =>
      (flops / median(results[column]!.matmuls[label]!) / 1e9).toFixed(1),
    );
    if (typeof torch !== 'string') cells.push((flops / median(torch.matmuls[label]!) / 1e9).toFixed(1));
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  const blockCells = columns.map((column) => `${(median(results[column]!.block) * 1000).toFixed(0)} ms`);
  if (typeof torch !== 'string') blockCells.push(`${(median(torch.block) * 1000).toFixed(0)} ms`);
  lines.push(
    `| block fwd+bwd (${(blockFlops(NOTES_BLOCK) / 1e9).toFixed(1)} GFLOP) | ${blockCells.join(' | ')} |`,
  );
  if (typeof torch !== 'string') {
    const ratios = columns.map(
      (column) => `${(median(results[column]!.block) / median(torch.block)).toFixed(2)}×`,
    );
    lines.push(`| block time ÷ PyTorch's | ${[...ratios, '1.00×'].join(' | ')} |`);
  }
  for (const size of ['20M', '160M'] as const) {
    if (columns.every((column) => results[column]!.decode[size] === undefined)) continue;
    const cells = columns.map((column) => {
      const value = results[column]!.decode[size];
      return typeof value === 'number' ? value.toFixed(1) : String(value);
    });
    lines.push(`| decode tok/s, random ${size} | ${cells.join(' | ')}${torchLabel ? ' | – ' : ''}|`);
  }
  lines.push(...llamaCppLines(results, llamaCpp));
  console.log(lines.join('\n'));
  for (const [size, value] of Object.entries(llamaCpp))
    if (typeof value === 'string') console.log(`\nllama.cpp peer (${size}) skipped: ${value}`);
  if (typeof torch === 'string') console.log(`\nPyTorch peer skipped: ${torch}`);
  console.log(`\n${THREADS} threads available; shared machine — compare within one run, repeat runs.`);
}

/** Decode vs llama.cpp in the same run: its tok/s and each engine's tok/s ÷ llama.cpp's. */
function llamaCppLines(
  results: Record<string, { decode: Record<string, number | string> }>,
  llamaCpp: Record<string, number | string>,
): string[] {
  const sizes = Object.keys(llamaCpp).filter((size) => typeof llamaCpp[size] === 'number');
  if (sizes.length === 0) return [];
  const columns = Object.keys(results);
  const lines = [
    '',
    `| decode, same weights | llama.cpp (F32 GGUF, best of 1 and ${THREADS} threads) tok/s | ${columns.map((c) => `${c} ÷ llama.cpp`).join(' | ')} |`,
    `|---|---:|${columns.map(() => '---:').join('|')}|`,
  ];
  for (const size of sizes) {
    const reference = llamaCpp[size] as number;
    const ratios = columns.map((column) => {
      const value = results[column]!.decode[size];
      return typeof value === 'number' ? `${(value / reference).toFixed(2)}×` : '–';
    });
    lines.push(`| random ${size} | ${reference.toFixed(1)} | ${ratios.join(' | ')} |`);
  }
  return lines;
}

await main();
process.exit(0);
