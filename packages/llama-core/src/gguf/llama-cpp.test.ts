/**
 * The real proof of the GGUF export: llama.cpp (node-llama-cpp's CPU build, an optional peer installed with
 * `npm run bench:peers -w packages/llama-core`) runs the exported s1/s2 fixtures and must give the golden
 * logits. Skips with the reason printed when the peer is not installed.
 *
 * Tolerances, from measurement (fixtures README §3–4: independent float32 implementations agree to ≤ 8e-7,
 * and every wrong convention moves logits by ≥ 6.6e-3):
 * - F32 file, F32 KV cache: measured max |Δ| 1.6e-7 (s1) / 4.0e-7 (s2) → asserted ≤ 1e-5.
 * - F32 file, llama.cpp's default F16 KV cache: measured ≤ 1.8e-4 → asserted ≤ 1e-3.
 * - F16 file (weights rounded to half; ggml also rounds the matmul inputs to half): measured ≤ 5.6e-4 →
 *   asserted ≤ 1.5e-3.
 * The q/k permutation is checked to matter: without it the 33-token logits are off by 4.6e-3 (s1) / 9.6e-3 (s2).
 *
 * Quantized files: the model is loaded with dtype q8_0 / q4_0 (ggml's reference quantizers) and exported with the
 * same blocks. llama.cpp's CPU path quantizes activations to Q8 blocks exactly as the engine does, so on s2 the
 * two agree to float32 summation order: measured 6.0e-8 (Q8_0 and Q4_0) → asserted ≤ 1e-5. s1's down_proj rows
 * (172 values) are not whole blocks and are held as F16, for which llama.cpp also rounds the activations to half
 * while the engine keeps them float32: measured 2.8e-3 (Q8_0) / 1.7e-3 (Q4_0) → asserted ≤ 6e-3.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeLlamaCpp,
  llamaCppDecodeSpeed,
  llamaCppLogits,
  loadLlamaCpp,
} from '../../bench/llama-cpp-peer.mjs';
import { loadModel } from '../load.js';
import type { LlamaModel } from '../model.js';
import { parameterSpecs } from '../weights.js';
import { exportGguf, ggufTensorName, llamaMetadata } from './export-gguf.js';
import { placeholderVocabulary, vocabularyMetadata } from './gguf-vocabulary.js';
import { writeGguf } from './gguf-writer.js';

interface LogitsRecord {
  input_ids: number[][];
  last_logits: number[];
  logits_first8: number[][][];
  logsumexp: number[][];
  argmax: number[][];
}

const peer = await loadLlamaCpp();
if (!peer.llama) console.warn(`[skip] llama.cpp GGUF conformance: ${peer.reason}`);
const describeWithPeer = peer.llama ? describe : describe.skip;
const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-gguf-llamacpp-'));

function maxAbsDiff(actual: Float32Array, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let index = 0; index < actual.length; index++) {
    max = Math.max(max, Math.abs(actual[index] - expected[index]));
  }
  return max;
}

function logSumExp(values: Float32Array): number {
  const max = values.reduce((best, value) => Math.max(best, value), -Infinity);
  return max + Math.log(values.reduce((sum, value) => sum + Math.exp(value - max), 0));
}

for (const fixture of ['s1', 's2'] as const) {
  describeWithShared(`llama.cpp runs the GGUF export (${fixture})`, [`fixtures/models/${fixture}`], () => {
    describeWithPeer(`node-llama-cpp ${peer.version ?? ''}`, () => {
      let model: LlamaModel;
      let records: LogitsRecord[];
      let greedy: { prompt: number[]; new_tokens: number[] };
      const f32Path = join(scratch, `${fixture}-f32.gguf`);
      const f16Path = join(scratch, `${fixture}-f16.gguf`);
      const measured: Record<string, number> = {};
      beforeAll(async () => {
        model = await loadModel(sharedPath(`fixtures/models/${fixture}/model`));
        const golden = JSON.parse(readFileSync(sharedPath(`fixtures/models/${fixture}/golden.json`), 'utf8'));
        records = golden.base.logits;
        greedy = golden.base.greedy;
        await exportGguf({ model, path: f32Path, dtype: 'F32' });
        await exportGguf({ model, path: f16Path, dtype: 'F16' });
      });
      afterAll(async () => {
        console.log(`[llama.cpp ${fixture}] max |Δ last logits| ${JSON.stringify(measured)}`);
        model?.dispose();
        await disposeLlamaCpp();
      });

      it('F32 file: last logits match the golden within 1e-5 (F32 KV cache), 1e-3 (default F16 cache)', async () => {
        for (const record of records) {
          const tokens = record.input_ids[0];
          const exact = await llamaCppLogits({ ggufPath: f32Path, tokens, kvCacheType: 'F32' });
          const f16Cache = await llamaCppLogits({ ggufPath: f32Path, tokens, kvCacheType: 'F16' });
          const diff = maxAbsDiff(exact, record.last_logits);
          const cacheDiff = maxAbsDiff(f16Cache, record.last_logits);
          measured[`F32/T${tokens.length}`] = diff;
          measured[`F32+F16cache/T${tokens.length}`] = cacheDiff;
          expect(diff, `T=${tokens.length}`).toBeLessThanOrEqual(1e-5);
          expect(cacheDiff, `T=${tokens.length}`).toBeLessThanOrEqual(1e-3);
        }
      });

      it('F32 file: every position of the 33-token input matches (first 8 logits, logsumexp, argmax)', async () => {
        const record = records.find((entry) => entry.input_ids[0].length === 33)!;
        const rows = await llamaCppLogits({
          ggufPath: f32Path,
          tokens: record.input_ids[0],
          positions: 'all',
        });
        expect(rows).toHaveLength(33);
        rows.forEach((row, position) => {
          expect(maxAbsDiff(row.subarray(0, 8), record.logits_first8[0][position])).toBeLessThanOrEqual(1e-5);
          expect(Math.abs(logSumExp(row) - record.logsumexp[0][position])).toBeLessThanOrEqual(1e-5);
          expect(row.indexOf(Math.max(...row))).toBe(record.argmax[0][position]);
        });
      });

      it('F32 file: greedy decoding one token at a time gives the golden 24 tokens', async () => {
        const result = await llamaCppDecodeSpeed({
          ggufPath: f32Path,
          promptTokens: greedy.prompt,
          tokens: greedy.new_tokens.length - 1,
          threads: 1,
          kvCacheType: 'F32',
        });
        expect(result.generated).toEqual(greedy.new_tokens);
        expect(result.tokensPerSecond).toBeGreaterThan(0);
      });

      it('F16 file: last logits match within 1.5e-3, argmax identical', async () => {
        for (const record of records) {
          const tokens = record.input_ids[0];
          const logits = await llamaCppLogits({ ggufPath: f16Path, tokens });
          const diff = maxAbsDiff(logits, record.last_logits);
          measured[`F16/T${tokens.length}`] = diff;
          expect(diff, `T=${tokens.length}`).toBeLessThanOrEqual(1.5e-3);
          expect(diff).toBeGreaterThan(1e-6); // the weights really are half precision
          expect(logits.indexOf(Math.max(...logits))).toBe(record.argmax[0].at(-1));
        }
      });

      for (const dtype of ['q8_0', 'q4_0'] as const) {
        it(`${dtype.toUpperCase()} file: llama.cpp gives the engine's ${dtype} logits, and the file loads back to the same model`, async () => {
          const quantized = await loadModel(sharedPath(`fixtures/models/${fixture}/model`), { dtype });
          const path = join(scratch, `${fixture}-${dtype}.gguf`);
          await exportGguf({ model: quantized, path, dtype: dtype === 'q8_0' ? 'Q8_0' : 'Q4_0' });
          const reloaded = await loadModel(path);
          try {
            const vocab = quantized.config.vocabSize;
            for (const record of records) {
              const tokens = record.input_ids[0];
              const ours = (await quantized.forward([tokens]).data()) as Float32Array;
              const last = ours.subarray((tokens.length - 1) * vocab);
              const theirs = await llamaCppLogits({ ggufPath: path, tokens });
              const diff = maxAbsDiff(theirs, Array.from(last));
              measured[`${dtype}/T${tokens.length}`] = diff;
              expect(diff, `T=${tokens.length}`).toBeLessThanOrEqual(fixture === 's2' ? 1e-5 : 6e-3);
              expect(Array.from(await reloaded.forward([tokens]).data())).toEqual(Array.from(ours));
            }
            expect(reloaded.weightFormat('model.layers.0.self_attn.q_proj.weight')).toBe(dtype);
          } finally {
            quantized.dispose();
            reloaded.dispose();
          }
        });
      }

      it('without the q/k permutation llama.cpp is far off (the permutation is what makes it match)', async () => {
        const path = join(scratch, `${fixture}-unpermuted.gguf`);
        const { config } = model;
        await writeGguf({
          path,
          metadata: [
            ...llamaMetadata(config, 'unpermuted', 'F32'),
            ...vocabularyMetadata(placeholderVocabulary({ vocabSize: config.vocabSize })),
          ],
          tensors: parameterSpecs(config).map((spec) => ({
            name: ggufTensorName(spec.name),
            shape: spec.shape,
            type: 'F32',
            data: () => model.readParameter(spec.name),
          })),
        });
        const record = records.find((entry) => entry.input_ids[0].length === 33)!;
        const logits = await llamaCppLogits({ ggufPath: path, tokens: record.input_ids[0] });
        const diff = maxAbsDiff(logits, record.last_logits);
        measured.unpermuted = diff;
        expect(diff).toBeGreaterThan(1e-3);
      });
    });
  });
}
