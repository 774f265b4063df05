import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { cachedAttention } from '../kv/cached-attention.js';
import { type KvFormat, KvStore } from '../kv/kv-store.js';
import { webgpuUnavailable } from './webgpu.test-helpers.js';

// The KV cache's attention on webgpu against the wasm engine's (csrc/attention.c), step by step: a causal prefill,
// decode steps, a reorder of the rows (beam search) and growth past the first capacity. Tolerance: 1e-5 absolute
// (outputs are averages of values in [-1, 1]; the sums run in another order).
const TOLERANCE = 1e-5;

const reason = await webgpuUnavailable();
if (reason) console.warn(`[webgpu-cached-attention.test] skipped: ${reason}`);

function random(seed: number, count: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296) * 2 - 1;
  });
}

const [BATCH, HEADS, KV_HEADS, HD] = [2, 4, 2, 8];

/** Causal additive bias [1, 1, queries, position + queries]. */
function causal(position: number, queries: number): Float32Array {
  const keys = position + queries;
  return Float32Array.from({ length: queries * keys }, (_, at) =>
    at % keys <= position + Math.floor(at / keys) ? 0 : -1e9,
  );
}

/** Outputs of every step on `backend`: prefill 3, decode 2, reorder rows [1, 1], decode 3 (capacity 4 → grows). */
async function run(backend: 'wasm' | 'webgpu', format: KvFormat): Promise<Float32Array[]> {
  await selectBackend({ backend });
  const store = new KvStore({ layers: 2, kvHeads: KV_HEADS, headDim: HD, format, capacity: 4 });
  const outputs: Float32Array[] = [];
  let position = 0;
  const step = async (queries: number, seed: number) => {
    for (let layer = 0; layer < 2; layer++) {
      const q = tf.tensor4d(random(seed + layer, BATCH * HEADS * queries * HD), [BATCH, HEADS, queries, HD]);
      const k = tf.tensor4d(random(seed + 10 + layer, BATCH * KV_HEADS * queries * HD), [
        BATCH,
        KV_HEADS,
        queries,
        HD,
      ]);
      const v = tf.tensor4d(random(seed + 20 + layer, BATCH * KV_HEADS * queries * HD), [
        BATCH,
        KV_HEADS,
        queries,
        HD,
      ]);
      const bias =
        queries > 1 ? tf.tensor4d(causal(position, queries), [1, 1, queries, position + queries]) : null;
      const out = cachedAttention(q, k, v, bias, { store, layer, position, scale: 0.35 });
      expect(out.shape).toEqual([BATCH, HEADS, queries, HD]);
      outputs.push((await out.data()) as Float32Array);
      tf.dispose([q, k, v, out, ...(bias ? [bias] : [])]);
    }
    position += queries;
  };
  await step(3, 100);
  await step(1, 200);
  await step(1, 300);
  store.reorder([1, 1], position);
  for (const seed of [400, 500, 600]) await step(1, seed);
  store.dispose();
  return outputs;
}

describe.skipIf(reason !== undefined)('cachedAttention on webgpu equals the wasm engine', () => {
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  for (const format of ['f32', 'f16'] as const) {
    it(`${format} cache: prefill, decode, reorder and growth within ${TOLERANCE}`, async () => {
      const want = await run('wasm', format);
      const got = await run('webgpu', format);
      let worst = 0;
      for (const [i, values] of got.entries()) {
        for (let j = 0; j < values.length; j++) worst = Math.max(worst, Math.abs(values[j]! - want[i]![j]!));
      }
      console.log(`[webgpu] cached attention (${format}): max |diff| vs wasm ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(TOLERANCE);
    });
  }
});
