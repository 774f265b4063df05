import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';
import { planMatMul } from './matmul-plan.js';
import { referenceMatMul } from './reference-matmul.js';
import { kernelStats, useKernels } from './use-kernels.js';
import { WasmMatMulEngine } from './wasm-matmul-engine.js';

/** max |got − want| / Σ|x·w| terms, against the float64 reference of x · w (float32 rounding is ~1e-7). */
function error(x: tf.Tensor2D, w: tf.Tensor2D, got: tf.Tensor): number {
  const plan = planMatMul({ aShape: x.shape, bShape: w.shape });
  const reference = referenceMatMul(x.dataSync() as Float32Array, w.dataSync() as Float32Array, plan);
  const result = got.dataSync();
  let worst = 0;
  for (let i = 0; i < reference.values.length; i++)
    worst = Math.max(worst, Math.abs(result[i]! - reference.values[i]!) / reference.scale[i]!);
  return worst;
}

describe('one-row products on weights packed into the wasm engine’s shared memory', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    useKernels({ engine: 'wasm', threads: 2 });
  });
  afterAll(() => useKernels({ engine: 'stock' }));

  it('packs a weight once, reuses it, and frees the block of a disposed weight', () => {
    const before = kernelStats()!;
    // 512 × 517 ≥ 2¹⁸ elements (smaller weights stay on XNNPACK); 517 columns end in a narrow panel.
    const w = tf.randomNormal([512, 517], 0, 1, 'float32', 1) as tf.Tensor2D;
    const x1 = tf.randomNormal([1, 512], 0, 1, 'float32', 2) as tf.Tensor2D;
    const x2 = tf.randomNormal([1, 512], 0, 1, 'float32', 3) as tf.Tensor2D;
    const [y1, y2] = [tf.matMul(x1, w), tf.matMul(x2, w)];
    expect(error(x1, w, y1)).toBeLessThan(1e-5);
    expect(error(x2, w, y2)).toBeLessThan(1e-5);
    const after = kernelStats()!;
    expect(after.packed - before.packed).toBe(2);
    expect(after.packedWeights - before.packedWeights).toBe(1);
    w.dispose();
    const other = tf.randomNormal([512, 517], 0, 1, 'float32', 4) as tf.Tensor2D;
    const y3 = tf.matMul(x1, other);
    expect(error(x1, other, y3)).toBeLessThan(1e-5);
    // The disposed weight's entry was swept when the new one was packed.
    expect(kernelStats()!.packedWeights).toBe(after.packedWeights);
    tf.dispose([x1, x2, y1, y2, y3, other]);
  });

  it('repacks when the data under a weight no longer matches what was packed', () => {
    const w = tf.randomNormal([512, 512], 0, 1, 'float32', 5) as tf.Tensor2D;
    const x = tf.randomNormal([1, 512], 0, 1, 'float32', 6) as tf.Tensor2D;
    const first = tf.matMul(x, w);
    // Overwrite the tensor's heap data in place (tfjs never does; the guard is for anything that would).
    const backend = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
    const heap = backend.typedArrayFromHeap(w);
    for (let i = 0; i < heap.length; i++) heap[i] = heap[i]! * 2;
    const second = tf.matMul(x, w);
    expect(error(x, w, second)).toBeLessThan(1e-5);
    const ratio = (second.dataSync()[0] ?? 0) / (first.dataSync()[0] ?? 1);
    expect(ratio).toBeCloseTo(2, 5);
    tf.dispose([w, x, first, second]);
  });

  it('leaves weights under 2¹⁸ elements to XNNPACK', () => {
    const before = kernelStats()!;
    const w = tf.randomNormal([256, 1023]) as tf.Tensor2D;
    const x = tf.randomNormal([1, 256]) as tf.Tensor2D;
    const y = tf.matMul(x, w);
    expect(error(x, w, y)).toBeLessThan(1e-5);
    const after = kernelStats()!;
    expect([after.packed - before.packed, after.delegated - before.delegated]).toEqual([0, 1]);
    tf.dispose([w, x, y]);
  });

  it('stops packing, loudly, when the shared memory cannot grow (XNNPACK takes over)', () => {
    const engine = new WasmMatMulEngine({ threads: 2 });
    const shared = (engine as unknown as { shared: { allocate(bytes: number): number } }).shared;
    shared.allocate = () => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = tf.randomNormal([512, 512]);
    const x = tf.randomNormal([1, 512]);
    const backend = tf.backend() as unknown as WasmBackendLike;
    expect(engine.vectorProduct(backend, x, w)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/packing decode weights stopped .*Maximum memory/),
    );
    expect(engine.packedWeights).toBe(0);
    expect(engine.vectorProduct(backend, x, w)).toBeUndefined(); // no further attempts
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    engine.close();
    tf.dispose([w, x]);
  });

  it('leaves one-row products to XNNPACK on one thread', () => {
    useKernels({ engine: 'wasm', threads: 1 });
    const w = tf.randomNormal([512, 600]) as tf.Tensor2D;
    const x = tf.randomNormal([1, 512]) as tf.Tensor2D;
    const y = tf.matMul(x, w);
    expect(error(x, w, y)).toBeLessThan(1e-5);
    expect(kernelStats()).toMatchObject({ packed: 0, delegated: 1, packedWeights: 0 });
    tf.dispose([w, x, y]);
    useKernels({ engine: 'wasm', threads: 2 });
  });
});
