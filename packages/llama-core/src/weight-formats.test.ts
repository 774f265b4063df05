/**
 * The fixtures loaded in every weight format, on the default (wasm) engine.
 *
 * Tolerances against the float32 golden logits. float32 held by the engine computes the same function, so the
 * usual LOGITS_TOLERANCE. The other formats round the weights (and Q8_0 / Q4_0 the activations, per block of 32) and move the
 * logits by the rounding noise; bounds are ~2.5× what was measured on these fixtures, whose logits have a
 * standard deviation of 0.15–0.20, and they scale with each format's rounding step:
 * | format | step                         | measured s1 / s2 | bound |
 * | bf16   | 2^-9 relative                | 1.8e-3 / 3.6e-3  | 1e-2  |
 * | f16    | 2^-12 relative               | 2.2e-4 / 4.2e-4  | 1.5e-3 |
 * | q8_0   | amax/254 (weights, activations) | 9.0e-3 / 1.2e-2 | 3e-2 |
 * | q4_0   | amax/16                      | 8.1e-2 / 1.7e-1  | 0.4   |
 * The exact semantics are checked elsewhere: bf16 against the bf16 golden (PyTorch's rounding) here, Q8_0 /
 * Q4_0 against llama.cpp on the same blocks (src/gguf/llama-cpp.test.ts).
 */
import type { WeightFormat } from '@lawgpt/engine';
import { rowBytes } from '@lawgpt/engine';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, readGolden } from '@lawgpt/test-helpers/golden';
import { expect, it } from 'vitest';
import { generate } from './generation/generate.js';
import { loadModel } from './load.js';
import type { LlamaModel } from './model.js';
import { LOGITS_TOLERANCE } from './tolerances.test-helpers.js';
import { parameterSpecs } from './weights.js';

const CASES: Array<{ dtype: WeightFormat; storage?: 'stored'; bound: number }> = [
  { dtype: 'f32', storage: 'stored', bound: LOGITS_TOLERANCE },
  { dtype: 'bf16', bound: 1e-2 },
  { dtype: 'f16', bound: 1.5e-3 },
  { dtype: 'q8_0', bound: 3e-2 },
  { dtype: 'q4_0', bound: 0.4 },
];

/** Logits of the 33-token input decoded through the cache (5-token prefill, then one by one) against the full pass. */
async function cacheDrift(model: LlamaModel, ids: number[]): Promise<number> {
  const full = await model.forward([ids]).data();
  const vocab = model.config.vocabSize;
  const cache = model.createCache();
  let worst = 0;
  const compare = (logits: Float32Array | Uint8Array | Int32Array, position: number) => {
    for (let i = 0; i < logits.length; i++)
      worst = Math.max(worst, Math.abs(logits[i]! - full[position * vocab + i]!));
  };
  compare(await model.forward([ids.slice(0, 5)], { cache }).data(), 0);
  for (let t = 5; t < ids.length; t++) compare(await model.forward([[ids[t]!]], { cache }).data(), t);
  cache.dispose();
  return worst;
}

for (const fixture of ['s1', 's2'] as const) {
  describeWithShared(`weight formats (${fixture})`, [`fixtures/models/${fixture}/model`], () => {
    for (const { dtype, storage, bound } of CASES) {
      it(`${dtype}${storage ? ' held by the engine' : ''}: logits within ${bound} of float32, the KV cache agrees with the full pass`, async () => {
        const model = await loadModel(sharedPath('fixtures/models', fixture, 'model'), { dtype, storage });
        try {
          const golden = readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base.logits;
          for (const record of golden) {
            const logits = model.forward(record.input_ids);
            const { maxDiff, argmaxEqual } = compareLogits(
              (await logits.data()) as Float32Array,
              model.config.vocabSize,
              record,
            );
            logits.dispose();
            expect(maxDiff).toBeLessThan(bound);
            if (dtype === 'f32') expect(argmaxEqual).toBe(true);
          }
          // The cached path computes attention in its own kernel: float32-level differences, which Q8 activation
          // rounding can turn into one rounding step here and there (≤ a tenth of the format's bound).
          expect(await cacheDrift(model, golden[2]!.input_ids[0]!)).toBeLessThan(
            dtype.startsWith('q') ? bound / 10 : LOGITS_TOLERANCE,
          );
          // Every 2-D weight is held as asked (or as f16 where rows are not whole blocks), norms as f32.
          let expected = 0;
          for (const spec of parameterSpecs(model.config)) {
            const format = model.weightFormat(spec.name);
            if (spec.shape.length === 1) expect(format).toBe('f32');
            else expect(format).toBe(dtype.startsWith('q') && spec.shape[1]! % 32 !== 0 ? 'f16' : dtype);
            expected +=
              spec.shape.length === 1
                ? spec.shape[0]! * 4
                : spec.shape[0]! * rowBytes(format, spec.shape[1]!);
          }
          const memory = model.memory();
          expect(memory.tensorBytes + memory.storedBytes).toBe(expected);
          expect(model.loadReport?.fallbacks.length).toBe(fixture === 's1' && dtype.startsWith('q') ? 2 : 0);
        } finally {
          model.dispose();
        }
      });
    }
  });
}

describeWithShared(
  'bf16 rounding at load (s2)',
  ['fixtures/models/s2/model', 'fixtures/models/s2/model-bf16'],
  () => {
    it('a float32 checkpoint loaded as bf16 holds the bytes PyTorch wrote for the bf16 checkpoint', async () => {
      const rounded = await loadModel(sharedPath('fixtures/models/s2/model'), { dtype: 'bf16' });
      const reference = await loadModel(sharedPath('fixtures/models/s2/model-bf16'));
      try {
        let weights = 0;
        for (const [name, weight] of rounded.stored) {
          const other = reference.stored.get(name);
          expect(other?.format).toBe('bf16');
          expect(Buffer.from(weight.bytes()).equals(Buffer.from(other!.bytes())), name).toBe(true);
          weights++;
        }
        expect(weights).toBe(2 + 7 * rounded.config.numHiddenLayers);
      } finally {
        rounded.dispose();
        reference.dispose();
      }
    });
  },
);

describeWithShared('f16 KV cache (s2)', ['fixtures/models/s2/model'], () => {
  it('decodes token by token within 1e-3 of the golden logits (keys and values rounded to half), greedy tokens equal', async () => {
    const model = await loadModel(sharedPath('fixtures/models/s2/model'));
    try {
      const golden = readGolden(sharedPath('fixtures/models/s2/golden.json')).base;
      const record = golden.logits[2]!;
      const ids = record.input_ids[0]!;
      const vocab = model.config.vocabSize;
      const cache = model.createCache({ dtype: 'f16' });
      const steps = new Float32Array(ids.length * vocab);
      steps.set(await model.forward([ids.slice(0, 5)], { cache }).data(), 0);
      for (let t = 5; t < ids.length; t++)
        steps.set(await model.forward([[ids[t]!]], { cache }).data(), t * vocab);
      expect(cache.bytes).toBe(2 * model.config.numHiddenLayers * 2 * 256 * 16 * 2); // K+V, kv heads, capacity, hd, 2 bytes
      cache.dispose();
      const { maxDiff, argmaxEqual } = compareLogits(steps, vocab, record);
      expect(maxDiff).toBeLessThan(1e-3);
      expect(maxDiff).toBeGreaterThan(1e-7); // the cache really is half precision
      expect(argmaxEqual).toBe(true);
      const tokens: number[] = [];
      for await (const chunk of generate({
        model,
        inputIds: golden.greedy.prompt,
        maxNewTokens: golden.greedy.new_tokens.length,
        eosTokenId: [],
        kvCacheDtype: 'f16',
      }))
        tokens.push(...chunk.tokenIds);
      expect(tokens).toEqual(golden.greedy.new_tokens);
    } finally {
      model.dispose();
    }
  });
});
