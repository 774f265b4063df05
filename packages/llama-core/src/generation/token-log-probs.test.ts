import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from '../config.js';
import { InputError } from '../errors.js';
import type { LlamaModel } from '../model.js';
import { createRng } from '../random.js';
import { createRandomModel } from '../random-model.js';
import { tokenLogProbs } from './token-log-probs.js';

// What the README claims: within 1e-5 (absolute) of a float64 log-softmax of the same logits.
const TOLERANCE = 1e-5;

/** log-softmax of one row in float64, computed here without tfjs. */
function logSoftmax64(row: Float32Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of row) max = Math.max(max, value);
  let sum = 0;
  for (const value of row) sum += Math.exp(value - max);
  const logSum = max + Math.log(sum);
  return Float64Array.from(row, (value) => value - logSum);
}

describe('tokenLogProbs', () => {
  const vocabSize = 97;
  let model: LlamaModel;
  beforeAll(async () => {
    const config = createLlamaConfig({
      vocabSize,
      hiddenSize: 16,
      intermediateSize: 32,
      numHiddenLayers: 2,
      numAttentionHeads: 4,
      numKeyValueHeads: 2,
    });
    // a large std spreads the logits, so the distributions are far from uniform
    model = await createRandomModel(config, { seed: 5, std: 0.5 });
  });
  afterAll(() => model?.dispose());

  const rng = createRng(11);
  const randomIds = (length: number) => Array.from({ length }, () => Math.floor(rng() * vocabSize));

  it('equals log-softmax in float64 of the logits at each next token, and frees its tensors', async () => {
    const ids = randomIds(13);
    const before = tf.memory().numTensors;
    const values = await tokenLogProbs({ model, inputIds: ids });
    expect(tf.memory().numTensors).toBe(before);
    const logits = model.forward([ids]);
    const flat = (await logits.data()) as Float32Array;
    logits.dispose();
    expect(values).toHaveLength(ids.length - 1);
    let spread = 0;
    for (let t = 0; t < ids.length - 1; t++) {
      const expected = logSoftmax64(flat.subarray(t * vocabSize, (t + 1) * vocabSize));
      expect(Math.abs(values[t] - expected[ids[t + 1]])).toBeLessThanOrEqual(TOLERANCE);
      spread = Math.max(spread, Math.max(...expected) - Math.min(...expected));
    }
    // the check means something only if the rows are not near-uniform (log 97 ≈ 4.57 everywhere)
    expect(spread).toBeGreaterThan(1);
  });

  it('is causal: a prefix gets the first values of the whole sequence', async () => {
    const ids = randomIds(10);
    const whole = await tokenLogProbs({ model, inputIds: ids });
    const prefix = await tokenLogProbs({ model, inputIds: ids.slice(0, 6) });
    prefix.forEach((value, t) => {
      expect(Math.abs(value - whole[t])).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('gives nothing for fewer than two ids, and refuses bad ids or an aborted signal', async () => {
    expect(await tokenLogProbs({ model, inputIds: [3] })).toEqual([]);
    await expect(tokenLogProbs({ model, inputIds: [1, vocabSize] })).rejects.toBeInstanceOf(InputError);
    const aborted = AbortSignal.abort();
    await expect(tokenLogProbs({ model, inputIds: [1, 2], signal: aborted })).rejects.toThrow();
  });
});
