import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { attention } from '../ops/attention.js';
import { OP_KERNELS } from '../ops/named-op.js';
import { webgpuUnavailable } from './webgpu.test-helpers.js';

// The fused attention without a cache (online softmax, WGSL) against the wasm engine's composed attention; and
// the gradients, which on webgpu come from the composed ops (attention() runs no kernel under a gradient tape).
// Tolerance: 1e-5 absolute (outputs are averages of values in [-1, 1], gradients of a sum of outputs times fixed
// weights; the sums run in another order), as for the cache's attention.
const TOLERANCE = 1e-5;

const reason = await webgpuUnavailable();
if (reason) console.warn(`[webgpu-flash-attention.test] skipped: ${reason}`);

function random(seed: number, count: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296) * 2 - 1;
  });
}

interface Shape {
  name: string;
  batch: number;
  heads: number;
  kvHeads: number;
  queries: number;
  hd: number;
  /** 'causal': [1, 1, q, q]; 'padded': [batch, 1, q, q] causal with row 1's first two keys masked (left padding). */
  bias: 'none' | 'causal' | 'padded';
}

// Keys past one tile of 64 (the online rescaling), GQA, a head dim past 64 threads, both bias layouts.
const SHAPES: Shape[] = [
  {
    name: '1×2 heads, 5 keys, hd 8, no bias',
    batch: 1,
    heads: 2,
    kvHeads: 2,
    queries: 5,
    hd: 8,
    bias: 'none',
  },
  {
    name: 'GQA 4/2, 70 keys (2 tiles), hd 16, causal',
    batch: 2,
    heads: 4,
    kvHeads: 2,
    queries: 70,
    hd: 16,
    bias: 'causal',
  },
  {
    name: '2×2 heads, 9 keys, hd 80, left-padded',
    batch: 2,
    heads: 2,
    kvHeads: 1,
    queries: 9,
    hd: 80,
    bias: 'padded',
  },
];

function biasOf({ batch, queries, bias }: Shape): tf.Tensor4D | null {
  if (bias === 'none') return null;
  const rows = bias === 'padded' ? batch : 1;
  const values = new Float32Array(rows * queries * queries);
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < queries; i++) {
      for (let t = 0; t < queries; t++) {
        const padded = bias === 'padded' && b === 1 && t < 2 && i >= 2;
        if (t > i || padded) values[(b * queries + i) * queries + t] = -1e9;
      }
    }
  }
  return tf.tensor4d(values, [rows, 1, queries, queries]);
}

/** Output, and the gradients of Σ out ⊙ w for q, k, v, on `backend`. */
async function run(backend: 'wasm' | 'webgpu', shape: Shape): Promise<Float32Array[]> {
  await selectBackend({ backend });
  const { batch, heads, kvHeads, queries, hd } = shape;
  const q = tf.tensor4d(random(1, batch * heads * queries * hd), [batch, heads, queries, hd]);
  const k = tf.tensor4d(random(2, batch * kvHeads * queries * hd), [batch, kvHeads, queries, hd]);
  const v = tf.tensor4d(random(3, batch * kvHeads * queries * hd), [batch, kvHeads, queries, hd]);
  const w = tf.tensor4d(random(4, batch * heads * queries * hd), [batch, heads, queries, hd]);
  const bias = biasOf(shape);
  const scale = 1 / Math.sqrt(hd);
  const out = attention(q, k, v, bias, scale);
  const grads = tf.grads((a, b, c) =>
    tf.sum(tf.mul(attention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, bias, scale), w)),
  )([q, k, v]);
  const values = [out, ...grads].map((tensor) => tensor.data() as Promise<Float32Array>);
  const result = await Promise.all(values);
  tf.dispose([q, k, v, w, out, ...grads, ...(bias ? [bias] : [])]);
  return result;
}

describe.skipIf(reason !== undefined)('fused attention on webgpu equals the wasm engine', () => {
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  it('is the webgpu kernel of the attention op (and not one on wasm)', async () => {
    await selectBackend({ backend: 'webgpu' });
    expect(tf.getKernel(OP_KERNELS.attention, 'webgpu')).toBeDefined();
    expect(tf.getKernel(OP_KERNELS.attention, 'wasm')).toBeUndefined();
  });

  for (const shape of SHAPES) {
    it(`${shape.name}: output and q/k/v gradients within ${TOLERANCE}`, async () => {
      const want = await run('wasm', shape);
      const got = await run('webgpu', shape);
      const worst = got.map((values, i) =>
        values.reduce((max, value, j) => Math.max(max, Math.abs(value - want[i]![j]!)), 0),
      );
      console.log(
        `[webgpu] fused attention (${shape.name}): max |diff| vs wasm out ${worst[0]!.toExponential(2)}, ` +
          `dq ${worst[1]!.toExponential(2)}, dk ${worst[2]!.toExponential(2)}, dv ${worst[3]!.toExponential(2)}`,
      );
      for (const diff of worst) expect(diff).toBeLessThan(TOLERANCE);
      expect(got[0]!.some((value) => value !== 0)).toBe(true);
    });
  }
});
