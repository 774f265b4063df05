/**
 * llama.cpp as an optional peer (conformance and speed), through node-llama-cpp's CPU prebuilt binary.
 *
 * node-llama-cpp is never part of the default install. Install it with
 *   npm run bench:peers -w packages/llama-core      (→ packages/llama-core/bench/peers/node_modules, ≈85 MB)
 * and it is found here by absolute path; nothing else in the repository resolves it.
 *
 * API (all async; models are GGUF files, e.g. written by `exportGguf` from `@lawgpt/llama-core`):
 *
 *   loadLlamaCpp()
 *     → { llama, module, version }               node-llama-cpp loaded, `getLlama({ gpu: false, build: 'never' })`
 *     | { llama: undefined, reason: string }     not installed under bench/peers, or its binary fails to load
 *
 *   llamaCppLogits({ ggufPath, tokens, positions = 'last', kvCacheType = 'F32', threads = 2 })
 *     → Float32Array [vocab] of the last position's logits (positions 'last'),
 *       or Float32Array[] with one [vocab] array per input position (positions 'all').
 *     `tokens` are token ids evaluated as given (no BOS is added). Raw logits: greedy sampler, no penalties.
 *     `kvCacheType` 'F32' keeps the whole computation in float32 (llama.cpp's default cache is F16).
 *
 *   llamaCppDecodeSpeed({ ggufPath, promptTokens, tokens, threads = 2, kvCacheType = 'F16' })
 *     → { tokensPerSecond, seconds, tokens, threads, promptTokens, promptSeconds, loadSeconds, generated: number[] }
 *     Greedy decoding, one token per llama.cpp decode, after evaluating `promptTokens`. Only the decode is
 *     timed: from the first generated token (prompt evaluated) to `tokens` further tokens; EOS does not stop it.
 *
 *   disposeLlamaCpp()  frees the shared llama.cpp instance (call at the end of a benchmark or test file).
 *
 * Throws when node-llama-cpp is absent (check `loadLlamaCpp()` first). Run from any working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const peersDir = join(dirname(fileURLToPath(import.meta.url)), 'peers');
const packageDir = join(peersDir, 'node_modules', 'node-llama-cpp');

/** @type {Promise<any> | undefined} */
let loading;

/** Load node-llama-cpp from bench/peers (once), or say why it cannot be used. */
export function loadLlamaCpp() {
  loading ??= (async () => {
    const manifest = join(packageDir, 'package.json');
    if (!existsSync(manifest)) {
      return {
        llama: undefined,
        reason: `node-llama-cpp is not installed under ${peersDir} (run: npm run bench:peers -w packages/llama-core)`,
      };
    }
    try {
      const { version, exports } = JSON.parse(readFileSync(manifest, 'utf8'));
      const entry =
        typeof exports?.['.'] === 'object' ? (exports['.'].import ?? exports['.'].default) : 'dist/index.js';
      const module = await import(pathToFileURL(join(packageDir, entry)).href);
      const llama = await module.getLlama({
        gpu: false,
        build: 'never',
        logLevel: module.LlamaLogLevel.error,
        progressLogs: false,
      });
      return { llama, module, version };
    } catch (error) {
      return { llama: undefined, reason: `node-llama-cpp failed to load: ${error?.message ?? error}` };
    }
  })();
  return loading;
}

async function requireLlama() {
  const loaded = await loadLlamaCpp();
  if (!loaded.llama) throw new Error(loaded.reason);
  return loaded.llama;
}

/** Load a model and one sequence; `use` runs with it and everything is disposed after. */
async function withSequence({ ggufPath, contextSize, threads, kvCacheType }, use) {
  const llama = await requireLlama();
  const loadStarted = performance.now();
  const model = await llama.loadModel({ modelPath: ggufPath, gpuLayers: 0 });
  model.loadSeconds = (performance.now() - loadStarted) / 1000;
  try {
    const context = await model.createContext({
      contextSize,
      batchSize: contextSize,
      threads,
      flashAttention: false,
      experimentalKvCacheKeyType: kvCacheType,
      experimentalKvCacheValueType: kvCacheType,
    });
    try {
      return await use(context.getSequence(), model);
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

function roundUp(value, multiple = 32) {
  return Math.ceil(value / multiple) * multiple;
}

/** Logits of llama.cpp for `tokens`, at the last position or at every position. */
export async function llamaCppLogits({
  ggufPath,
  tokens,
  positions = 'last',
  kvCacheType = 'F32',
  threads = 2,
}) {
  if (!Array.isArray(tokens) || tokens.length === 0)
    throw new Error('tokens must be a non-empty array of ids');
  return withSequence(
    { ggufPath, contextSize: roundUp(tokens.length + 1), threads, kvCacheType },
    async (sequence, model) => {
      // Vocabulary size = rows of the embedding (GGML dims [hidden, vocab]).
      const embedding = model.fileInfo.fullTensorInfo?.find((tensor) => tensor.name === 'token_embd.weight');
      const vocabSize = Number(embedding?.dimensions[1]);
      if (!Number.isInteger(vocabSize)) throw new Error(`${ggufPath}: no token_embd.weight tensor`);
      const wanted = (index) => positions === 'all' || index === tokens.length - 1;
      const input = tokens.map((token, index) =>
        wanted(index) ? [token, { generateNext: { logits: true, options: { temperature: 0 } } }] : token,
      );
      const output = await sequence.controlledEvaluate(input);
      const rows = [];
      for (let index = 0; index < tokens.length; index++) {
        if (!wanted(index)) continue;
        const logits = output[index]?.next?.logits;
        if (!logits) throw new Error(`llama.cpp returned no logits for position ${index}`);
        const row = new Float32Array(vocabSize).fill(Number.NaN);
        for (const [token, value] of logits) row[token] = value;
        if (row.some(Number.isNaN))
          throw new Error(`llama.cpp returned ${logits.size} of ${vocabSize} logits`);
        rows.push(row);
      }
      return positions === 'all' ? rows : rows[0];
    },
  );
}

/** Greedy one-token-at-a-time decode speed of llama.cpp (prompt evaluation not timed). */
export async function llamaCppDecodeSpeed({
  ggufPath,
  promptTokens,
  tokens,
  threads = 2,
  kvCacheType = 'F16',
}) {
  if (!Array.isArray(promptTokens) || promptTokens.length === 0)
    throw new Error('promptTokens must be non-empty');
  return withSequence(
    { ggufPath, contextSize: roundUp(promptTokens.length + tokens + 2), threads, kvCacheType },
    async (sequence, model) => {
      const generated = [];
      let started = 0;
      const promptStarted = performance.now();
      const iterator = sequence.evaluate(promptTokens, { temperature: 0, yieldEogToken: true });
      for await (const token of iterator) {
        if (generated.length === 0) started = performance.now();
        generated.push(token);
        if (generated.length > tokens) break;
      }
      const seconds = (performance.now() - started) / 1000;
      return {
        tokensPerSecond: tokens / seconds,
        seconds,
        tokens,
        threads,
        promptTokens: promptTokens.length,
        // The prompt's evaluation and the first token's, timed together.
        promptSeconds: (started - promptStarted) / 1000,
        loadSeconds: model.loadSeconds,
        generated,
      };
    },
  );
}

/** Free the shared llama.cpp instance. */
export async function disposeLlamaCpp() {
  if (!loading) return;
  const loaded = await loading;
  loading = undefined;
  await loaded.llama?.dispose();
}
