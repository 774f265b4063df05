import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { hasNativeAddon } from '../kernels/internal/native-addon.js';
import { useKernels } from '../kernels/use-kernels.js';
import { attention } from '../ops/attention.js';
import { cachedAttention } from './cached-attention.js';
import { KvStore } from './kv-store.js';

const heads = 6;
const kvHeads = 2;
const headDim = 8;

function random(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  return tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = [Array.from(await a.data()), Array.from(await b.data())];
  expect(x.length).toBe(y.length);
  return x.reduce((worst, value, i) => Math.max(worst, Math.abs(value - y[i]!)), 0);
}

/** Causal bias [1, 1, queries, past + queries] with row 0's key `hidden` masked. */
function causalBias(past: number, queries: number, hidden?: number): tf.Tensor4D {
  const values = new Float32Array(queries * (past + queries));
  for (let i = 0; i < queries; i++) {
    for (let j = 0; j < past + queries; j++) {
      if (j > past + i || j === hidden) values[i * (past + queries) + j] = -3.4028234663852886e38;
    }
  }
  return tf.tensor4d(values, [1, 1, queries, past + queries]);
}

const CASES: Array<['wasm' | 'cpu', 'wasm' | 'native']> = [
  ['wasm', 'wasm'],
  ['cpu', 'wasm'],
  ...(hasNativeAddon() ? [['wasm', 'native'] as ['wasm', 'native']] : []),
];

describe.each(CASES)('attention through the engine KV cache on %s, %s kernels', (backend, engine) => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    useKernels({ engine });
  });
  afterAll(() => {
    useKernels();
  });

  it('a prefill then one token at a time equals attention over the concatenated keys (GQA, mask, growth)', async () => {
    await selectBackend({ backend });
    const store = new KvStore({ layers: 2, kvHeads, headDim, capacity: 4 });
    const batch = 2;
    const ks: tf.Tensor4D[] = [];
    const vs: tf.Tensor4D[] = [];
    let past = 0;
    for (const [step, queries] of [3, 1, 1, 4, 1].entries()) {
      const q = random([batch, heads, queries, headDim], 10 + step);
      const k = random([batch, kvHeads, queries, headDim], 20 + step);
      const v = random([batch, kvHeads, queries, headDim], 30 + step);
      ks.push(k);
      vs.push(v);
      const bias = queries > 1 ? causalBias(past, queries, step === 3 ? 1 : undefined) : null;
      const ours = cachedAttention(q, k, v, bias, { store, layer: 1, position: past, scale: 0.35 });
      const reference = attention(
        q,
        tf.concat(ks, 2) as tf.Tensor4D,
        tf.concat(vs, 2) as tf.Tensor4D,
        bias,
        0.35,
      );
      expect(await maxDiff(ours, reference), `step ${step}`).toBeLessThan(2e-6);
      past += queries;
    }
    expect(store.capacity).toBeGreaterThanOrEqual(past); // grew from 4 by doubling, keeping what was cached
    // Beam-style reorder: row 1 twice, then a step on the new batch equals the reference on rows [1, 1].
    store.reorder([1, 1], past);
    const pick = (t: tf.Tensor4D) => tf.gather(t, [1, 1]) as tf.Tensor4D;
    const q = random([2, heads, 1, headDim], 99);
    const k = random([2, kvHeads, 1, headDim], 98);
    const v = random([2, kvHeads, 1, headDim], 97);
    const ours = cachedAttention(q, k, v, null, { store, layer: 1, position: past, scale: 0.35 });
    const keys = tf.concat([...ks.map(pick), k], 2) as tf.Tensor4D;
    const values = tf.concat([...vs.map(pick), v], 2) as tf.Tensor4D;
    expect(await maxDiff(ours, attention(q, keys, values, null, 0.35))).toBeLessThan(2e-6);
    store.dispose();
    expect(store.bytes).toBe(0);
  });

  it('holds keys and values as halves with format f16 (half the bytes, values rounded)', async () => {
    await selectBackend({ backend });
    const half = new KvStore({ layers: 1, kvHeads, headDim, format: 'f16', capacity: 8 });
    const full = new KvStore({ layers: 1, kvHeads, headDim, capacity: 8 });
    const q = random([1, heads, 5, headDim], 1);
    const k = random([1, kvHeads, 5, headDim], 2);
    const v = random([1, kvHeads, 5, headDim], 3);
    const a = cachedAttention(q, k, v, causalBias(0, 5), { store: half, layer: 0, position: 0, scale: 0.3 });
    const b = cachedAttention(q, k, v, causalBias(0, 5), { store: full, layer: 0, position: 0, scale: 0.3 });
    expect(half.bytes * 2).toBe(full.bytes);
    const diff = await maxDiff(a, b);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(5e-3);
    half.dispose();
    full.dispose();
  });
});
