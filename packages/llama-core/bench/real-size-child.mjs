// One measurement of bench/real-size.mjs, in a process of its own so that its peak RSS is its own:
//   node bench/real-size-child.mjs ours  <model dir> <dtype> <engine wasm|native> <prompt> <decode>
//   node bench/real-size-child.mjs llama <gguf file> <prompt> <decode>
//   node bench/real-size-child.mjs gguf  <model dir> <dtype> <out.gguf>      (writes the file llama.cpp runs)
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { exportGguf, loadModel } from '../dist/index.js';

const [mode, path, ...rest] = process.argv.slice(2);

/** Peak resident set size of this process (VmHWM), in bytes. */
function peakRss() {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.memoryUsage().rss;
}

const tokens = (count, vocab) => Array.from({ length: count }, (_, i) => 3 + ((i * 7919) % (vocab - 3)));

if (mode === 'ours') {
  const [dtype, engine, prompt, decode] = rest;
  const started = performance.now();
  const model = await loadModel(path, { dtype, kernels: engine });
  const loadSeconds = (performance.now() - started) / 1000;
  const loadPeak = peakRss();
  const memory = model.memory();
  const cache = model.createCache();
  const ids = tokens(Number(prompt), 1000);
  let time = performance.now();
  let logits = model.forward([ids], { cache, lastOnly: true });
  await logits.data();
  logits.dispose();
  const prefillSeconds = (performance.now() - time) / 1000;
  time = performance.now();
  for (let i = 0; i < Number(decode); i++) {
    logits = model.forward([[ids[i]]], { cache, lastOnly: true });
    await logits.data();
    logits.dispose();
  }
  const decodeSeconds = (performance.now() - time) / 1000;
  console.log(
    JSON.stringify({
      loadSeconds,
      weightBytes: memory.tensorBytes + memory.storedBytes,
      formats: memory.formats,
      loadPeakRss: loadPeak,
      peakRss: peakRss(),
      prefillTokensPerSecond: Number(prompt) / prefillSeconds,
      decodeTokensPerSecond: Number(decode) / decodeSeconds,
      kernels: model.kernels?.engine,
    }),
  );
  cache.dispose();
  model.dispose();
  process.exit(0);
} else if (mode === 'llama') {
  const [prompt, decode] = rest;
  const { disposeLlamaCpp, llamaCppDecodeSpeed } = await import('./llama-cpp-peer.mjs');
  // Best of 1 and 2 threads: on a shared machine llama.cpp's threads wait for each other when a core is busy.
  const runs = [];
  for (const threads of [1, 2]) {
    runs.push(
      await llamaCppDecodeSpeed({
        ggufPath: path,
        promptTokens: tokens(Number(prompt), 1000),
        tokens: Number(decode),
        threads,
        kvCacheType: 'F32',
      }),
    );
  }
  const result = runs.reduce((best, run) => (run.tokensPerSecond > best.tokensPerSecond ? run : best));
  console.log(
    JSON.stringify({
      loadSeconds: result.loadSeconds,
      prefillTokensPerSecond: Math.max(...runs.map((run) => Number(prompt) / run.promptSeconds)),
      decodeTokensPerSecond: result.tokensPerSecond,
      threads: result.threads,
      peakRss: peakRss(),
    }),
  );
  await disposeLlamaCpp();
  process.exit(0);
} else if (mode === 'gguf') {
  const [dtype, out] = rest;
  const model = await loadModel(path, { dtype: dtype === 'bf16' ? 'bf16' : dtype });
  const result = await exportGguf({ model, path: out, dtype: dtype.toUpperCase() });
  console.log(JSON.stringify(result));
  model.dispose();
  process.exit(0);
}
throw new Error(`unknown mode ${mode}`);
