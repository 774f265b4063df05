// Real-size benchmark (issue 11): random checkpoints of TinyLlama-1.1B's and LLaMA-7B's shapes (7B with
// Chinese-LLaMA's 49,953-piece vocabulary) written as a Hub download is (BF16 safetensors shards), loaded by the
// engine as bf16, q8_0 and q4_0, next to llama.cpp (node-llama-cpp, `npm run bench:peers`) running the same weights
// and the same quantization (our GGUF export: the blocks are identical). Each run is its own process, so peak RSS
// is its own. Reported: load seconds, peak RSS and its ratio to the weight bytes, prefill tok/s on a 128-token
// prompt, decode tok/s, and decode ÷ llama.cpp's.
// Usage: npm run bench:real-size -w packages/llama-core -- [--shapes 1.1b,7b] [--dtypes bf16,q8_0,q4_0]
//        [--engines wasm,native] [--decode 16] [--prompt 128] [--dir /tmp/lawgpt-real-size] [--json out.json]
//        [--prepare-only] (write the checkpoints and GGUF files, measure nothing: run it before a quiet window)
// Needs disk for the checkpoints and GGUF files (1.1B: ~6 GB, 7B: ~38 GB) and memory for 7B bf16 (~14 GB).
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLlamaConfig, parameterSpecs, toHfConfig } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : fallback;
};
const SHAPES = {
  '1.1b': createLlamaConfig({
    vocabSize: 32000,
    hiddenSize: 2048,
    intermediateSize: 5632,
    numHiddenLayers: 22,
    numAttentionHeads: 32,
    numKeyValueHeads: 4,
    maxPositionEmbeddings: 2048,
  }),
  '7b': createLlamaConfig({
    vocabSize: 49953,
    hiddenSize: 4096,
    intermediateSize: 11008,
    numHiddenLayers: 32,
    numAttentionHeads: 32,
    maxPositionEmbeddings: 2048,
  }),
};
const shapes = option('shapes', '1.1b,7b').split(',');
const dtypes = option('dtypes', 'bf16,q8_0,q4_0').split(',');
const engines = option('engines', 'wasm,native').split(',');
const prompt = Number(option('prompt', '128'));
const decode = Number(option('decode', '16'));
const root = option('dir', '/tmp/lawgpt-real-size');

/** A BF16 checkpoint in shards of at most ~4 GB, weights a pseudo-random pattern (±0.02; norms 1 ± 0.1). */
function writeCheckpoint(dir, config) {
  if (existsSync(join(dir, 'config.json'))) return;
  mkdirSync(dir, { recursive: true });
  const PATTERN = 1_000_003;
  const pattern = new Uint16Array(PATTERN);
  const norms = new Uint16Array(PATTERN);
  const word = new Float32Array(1);
  const bits = new Uint32Array(word.buffer);
  let state = 7;
  for (let i = 0; i < PATTERN; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const unit = (state >>> 8) / 16_777_216 - 0.5;
    word[0] = 0.04 * unit;
    pattern[i] = bits[0] >>> 16;
    word[0] = 1 + 0.2 * unit;
    norms[i] = bits[0] >>> 16;
  }
  const specs = parameterSpecs(config);
  const shards = [[]];
  let size = 0;
  for (const spec of specs) {
    const bytes = spec.shape.reduce((a, b) => a * b, 2);
    if (size + bytes > 4e9 && shards.at(-1).length > 0) {
      shards.push([]);
      size = 0;
    }
    shards.at(-1).push(spec);
    size += bytes;
  }
  const weightMap = {};
  shards.forEach((tensors, index) => {
    const file = `model-${String(index + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
    const header = { __metadata__: { format: 'pt' } };
    let offset = 0;
    for (const spec of tensors) {
      const bytes = spec.shape.reduce((a, b) => a * b, 2);
      header[spec.name] = { dtype: 'BF16', shape: spec.shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
      weightMap[spec.name] = file;
    }
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const fd = openSync(join(dir, file), 'w');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, length);
    writeSync(fd, Buffer.from(json));
    for (const spec of tensors) {
      const source = spec.shape.length === 1 ? norms : pattern;
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const chunk = new Uint16Array(Math.min(count, 1 << 24));
      let start = (specs.indexOf(spec) * 7919) % PATTERN;
      for (let done = 0; done < count; done += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, count - done));
        for (let at = 0; at < part.length; ) {
          const n = Math.min(PATTERN - start, part.length - at);
          part.set(source.subarray(start, start + n), at);
          at += n;
          start = (start + n) % PATTERN;
        }
        writeSync(fd, new Uint8Array(part.buffer, 0, part.byteLength));
      }
    }
    closeSync(fd);
  });
  writeFileSync(
    join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: weightMap }),
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...toHfConfig(config), torch_dtype: 'bfloat16' }));
}

function child(args) {
  const output = execFileSync(process.execPath, [join(here, 'real-size-child.mjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output.trim().split('\n').at(-1));
}

const gib = (bytes) => (bytes / 2 ** 30).toFixed(2);
const rows = [];
for (const shape of shapes) {
  const dir = join(root, shape);
  const started = performance.now();
  writeCheckpoint(dir, SHAPES[shape]);
  console.error(`[${shape}] checkpoint ready (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  for (const dtype of dtypes) {
    const gguf = join(root, `${shape}-${dtype}.gguf`);
    if (!existsSync(gguf)) child(['gguf', dir, dtype, gguf]);
    if (argv.includes('--prepare-only')) continue;
    const peer = child(['llama', gguf, String(prompt), String(decode)]);
    rows.push({ shape, dtype, engine: 'llama.cpp', ...peer });
    console.error(`[${shape} ${dtype}] llama.cpp ${JSON.stringify(peer)}`);
    for (const engine of engines) {
      const ours = child(['ours', dir, dtype, engine, String(prompt), String(decode)]);
      rows.push({
        shape,
        dtype,
        engine,
        ...ours,
        ratio: ours.decodeTokensPerSecond / peer.decodeTokensPerSecond,
      });
      console.error(`[${shape} ${dtype}] ${engine} ${JSON.stringify(ours)}`);
    }
  }
}

console.log(
  `| shape | dtype | engine | load s | weights GiB | peak RSS GiB | RSS ÷ weights | prefill tok/s | decode tok/s | decode ÷ llama.cpp |`,
);
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const ours = row.weightBytes !== undefined;
  console.log(
    `| ${row.shape} | ${row.dtype} | ${row.engine} | ${row.loadSeconds.toFixed(1)} | ${ours ? gib(row.weightBytes) : ''} | ${gib(row.peakRss)} | ${
      ours ? `${(row.peakRss / row.weightBytes).toFixed(2)}` : ''
    } | ${row.prefillTokensPerSecond.toFixed(1)} | ${row.decodeTokensPerSecond.toFixed(2)} | ${ours ? `${row.ratio.toFixed(2)}×` : '1'} |`,
  );
}
const json = option('json', undefined);
if (json)
  writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), prompt, decode, rows }, null, 2));
