import { selectBackend } from '@lawgpt/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from '../config.js';
import { inverseFrequencies, ropeTables } from './rope.js';

// The tables are checked on the plain JS backend, chosen as the library chooses backends.
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const sizes = {
  vocabSize: 10,
  hiddenSize: 32,
  intermediateSize: 16,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
};

describe('RoPE tables', () => {
  it('uses 1/theta^(2j/hd) and duplicates the half (rotate_half layout)', async () => {
    const config = createLlamaConfig({ ...sizes, ropeTheta: 10000 });
    const frequencies = inverseFrequencies(config, 1);
    expect(frequencies[0]).toBe(1);
    expect(frequencies[1]).toBeCloseTo(10000 ** (-2 / 16), 7);
    const { cos, sin } = ropeTables(config, [[3]]);
    const c = await cos.data();
    const s = await sin.data();
    expect(c[1]).toBeCloseTo(Math.cos(3 * frequencies[1]), 6);
    expect(c[9]).toBe(c[1]);
    expect(s[9]).toBe(s[1]);
    cos.dispose();
    sin.dispose();
  });

  it('linear scaling divides positions by the factor', async () => {
    const scaled = ropeTables(createLlamaConfig({ ...sizes, ropeScaling: { type: 'linear', factor: 2 } }), [
      [4],
    ]);
    const plain = ropeTables(createLlamaConfig(sizes), [[2]]);
    expect(Array.from(await scaled.cos.data())).toEqual(Array.from(await plain.cos.data()));
  });

  it('dynamic scaling changes the base only beyond max_position_embeddings', () => {
    const config = createLlamaConfig({
      ...sizes,
      maxPositionEmbeddings: 64,
      ropeScaling: { type: 'dynamic', factor: 2 },
    });
    const plain = createLlamaConfig({ ...sizes, maxPositionEmbeddings: 64 });
    expect(Array.from(inverseFrequencies(config, 64))).toEqual(Array.from(inverseFrequencies(plain, 64)));
    const longer = inverseFrequencies(config, 128);
    const base = 10000 * (2 * 2 - 1) ** (16 / 14);
    expect(longer[1]).toBeCloseTo(base ** (-2 / 16), 7);
  });
});
