import type * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';
import type { MatMulEngine } from './matmul-engine.js';
import { planMatMul } from './matmul-plan.js';
import { referenceMatMul } from './reference-matmul.js';

/** Cases run through the real kernel path on a live backend: in place (small, vector) and threaded (large). */
const CASES: Array<[number[], number[], boolean, boolean]> = [
  [[2, 1, 7, 5], [1, 3, 9, 5], false, true],
  [[1, 33], [33, 20], false, false],
  [[161, 160], [161, 163], true, false],
];

/**
 * Multiplies CASES through `engine.batchMatMul` on `backend`'s heap (tensors made with `makeOutput`, disposed
 * afterwards) and compares with the float64 reference. Returns undefined when all agree, else what differed.
 */
export function verifyOnBackend(engine: MatMulEngine, backend: WasmBackendLike): string | undefined {
  const made: tf.TensorInfo[] = [];
  try {
    for (const [aShape, bShape, transposeA, transposeB] of CASES) {
      const a = backend.makeOutput(aShape, 'float32');
      made.push(a);
      const b = backend.makeOutput(bShape, 'float32');
      made.push(b);
      const aValues = Float32Array.from(
        { length: aShape.reduce((x, y) => x * y, 1) },
        (_, i) => ((i * 7) % 13) / 6 - 1,
      );
      const bValues = Float32Array.from(
        { length: bShape.reduce((x, y) => x * y, 1) },
        (_, i) => ((i * 5) % 11) / 5 - 1,
      );
      (backend.typedArrayFromHeap(a) as Float32Array).set(aValues);
      (backend.typedArrayFromHeap(b) as Float32Array).set(bValues);
      const out = engine.batchMatMul(backend, a, b, transposeA, transposeB);
      made.push(out);
      const got = backend.typedArrayFromHeap(out) as Float32Array;
      const plan = planMatMul({ aShape, bShape, transposeA, transposeB });
      const { values, scale } = referenceMatMul(aValues, bValues, plan);
      if (got.length !== values.length) return `[${aShape}]·[${bShape}] gave ${got.length} values`;
      for (let i = 0; i < values.length; i++) {
        if (!(Math.abs(got[i]! - values[i]!) <= 1e-5 * scale[i]! + 1e-30)) {
          return `[${aShape}]·[${bShape}] element ${i} is ${got[i]}, expected ${values[i]}`;
        }
      }
    }
    return undefined;
  } catch (error) {
    return `threw ${(error as Error).message}`;
  } finally {
    for (const tensor of made) backend.disposeData(tensor.dataId);
  }
}
