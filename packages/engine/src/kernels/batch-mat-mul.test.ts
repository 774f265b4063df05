import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from './internal/native-addon.js';
import { planMatMul } from './matmul-plan.js';
import { referenceMatMul } from './reference-matmul.js';
import { activeKernels, kernelStats, useKernels } from './use-kernels.js';

/** [aShape, bShape] untransposed; each case runs with all four transpose combinations. */
const SHAPES: Array<[string, number[], number[]]> = [
  ['2-D with edge tiles', [13, 21], [21, 11]],
  ['1×1', [1, 1], [1, 1]],
  ['matrix-vector, one row (decode)', [1, 300], [300, 257]],
  ['matrix-vector, one column', [67, 45], [45, 1]],
  ['batched one-row products (own matrix-vector path, not XNNPACK)', [2, 1, 300], [300, 257]],
  ['batched', [3, 10, 12], [3, 12, 6]],
  ['broadcast B batch', [4, 9, 11], [1, 11, 5]],
  ['rank mismatch 3-D · 2-D', [4, 9, 11], [11, 5]],
  ['both operands broadcasting', [2, 1, 6, 8], [1, 3, 8, 5]],
  ['rank mismatch 4-D · 3-D', [2, 3, 5, 4], [3, 4, 6]],
  ['4-D attention-like', [2, 4, 7, 16], [2, 4, 16, 7]],
  ['large enough for the threads', [2, 128, 130], [130, 150]],
  ['threaded matrix-vector, one row', [1, 1024], [1024, 1100]],
  ['threaded matrix-vector, one column', [1100, 1024], [1024, 1]],
];

function transposed(shape: number[], flag: boolean): number[] {
  if (!flag) return shape;
  const out = [...shape];
  [out[out.length - 1], out[out.length - 2]] = [out[out.length - 2]!, out[out.length - 1]!];
  return out;
}

let seed = 1;
function random(shape: number[]): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed++);
}

/** Float64 gradients of sum(matMul(a, b) ∘ w) with respect to a and b, with magnitudes. */
function referenceGradients(
  a: Float32Array,
  b: Float32Array,
  w: Float32Array,
  plan: ReturnType<typeof planMatMul>,
) {
  const { m, n, k, transA, transB, batch } = plan;
  const gradA = new Float64Array(a.length);
  const gradB = new Float64Array(b.length);
  const scaleA = new Float64Array(a.length);
  const scaleB = new Float64Array(b.length);
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const weight = w[(bi * m + i) * n + j]!;
        for (let p = 0; p < k; p++) {
          const ai = plan.aOffsets[bi]! + (transA ? p * m + i : i * k + p);
          const bj = plan.bOffsets[bi]! + (transB ? j * k + p : p * n + j);
          gradA[ai] += weight * b[bj]!;
          scaleA[ai] += Math.abs(weight * b[bj]!);
          gradB[bj] += weight * a[ai]!;
          scaleB[bj] += Math.abs(weight * a[ai]!);
        }
      }
    }
  }
  return { gradA, gradB, scaleA, scaleB };
}

function expectClose(
  got: Float32Array,
  want: Float64Array,
  scale: Float64Array,
  tolerance: number,
  label: string,
) {
  expect(got.length, label).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i]! - want[i]!) / (scale[i]! + 1e-30);
    if (!(error <= worst)) worst = error;
  }
  expect(worst, label).toBeLessThanOrEqual(tolerance);
}

function runMatrix(engine: 'wasm' | 'native', threads: number) {
  const available = engine === 'wasm' || loadNativeAddon().addon !== undefined;
  if (!available) console.log(`[skip] native engine matrix: ${loadNativeAddon().problem}`);
  describe.skipIf(!available)(`BatchMatMul on the tfjs wasm backend, engine ${engine} ×${threads}`, () => {
    beforeAll(async () => {
      await tf.setBackend('wasm');
      await tf.ready();
      const state = useKernels({ engine, threads });
      expect(state).toMatchObject({
        engine,
        threads,
        kernels: expect.arrayContaining(['BatchMatMul']),
        fallbacks: [],
      });
    });

    for (const [label, aBase, bBase] of SHAPES) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          it(`${label} ${aBase}·${bBase} transposeA=${transposeA} transposeB=${transposeB}: forward and gradients`, () => {
            const aShape = transposed(aBase, transposeA);
            const bShape = transposed(bBase, transposeB);
            const plan = planMatMul({ aShape, bShape, transposeA, transposeB });
            const a = random(aShape);
            const b = random(bShape);
            const w = random(plan.outShape);
            const product = tf.matMul(a, b, transposeA, transposeB);
            const [gradA, gradB] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
              tf.sum(tf.mul(tf.matMul(x, y, transposeA, transposeB), w)),
            )([a, b]);
            const [aValues, bValues, wValues] = [a, b, w].map((t) => t.dataSync() as Float32Array);
            expect(product.shape).toEqual(plan.outShape);
            expect(gradA!.shape).toEqual(aShape);
            expect(gradB!.shape).toEqual(bShape);
            const forward = referenceMatMul(aValues!, bValues!, plan);
            expectClose(product.dataSync() as Float32Array, forward.values, forward.scale, 1e-5, 'forward');
            const backward = referenceGradients(aValues!, bValues!, wValues!, plan);
            expectClose(gradA!.dataSync() as Float32Array, backward.gradA, backward.scaleA, 1e-5, 'grad a');
            expectClose(gradB!.dataSync() as Float32Array, backward.gradB, backward.scaleB, 1e-5, 'grad b');
            tf.dispose([a, b, w, product, gradA!, gradB!]);
          });
        }
      }
    }

    it('zero-size inner dimension gives zeros; empty outputs have the right shape', () => {
      const zeros = tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4]));
      expect(zeros.shape).toEqual([3, 4]);
      expect([...zeros.dataSync()]).toEqual(new Array(12).fill(0));
      expect(tf.matMul(tf.zeros([2, 0, 5]), tf.zeros([2, 5, 3])).shape).toEqual([2, 0, 3]);
    });

    it('dispatched through the expected paths and stayed on the engine', () => {
      const stats = kernelStats()!;
      if (engine === 'native') expect(stats.inPlace).toBe(0);
      else expect(stats.inPlace).toBeGreaterThan(0);
      // Untransposed 2-D one-row products: large weights packed for the wasm engine's threads (1024×1100 here),
      // the rest on tfjs's XNNPACK path.
      expect(stats.delegated).toBeGreaterThan(0);
      if (engine === 'wasm' && threads > 1) expect(stats.packed).toBeGreaterThan(0);
      else expect(stats.packed).toBe(0);
      if (threads > 1 || engine === 'native') expect(stats.threaded).toBeGreaterThan(0);
      else expect(stats.threaded).toBe(0);
      expect(activeKernels().engine).toBe(engine);
    });
  });
}

runMatrix('wasm', 2);
runMatrix('wasm', 1);
runMatrix('native', 2);

afterAll(() => {
  useKernels({ engine: 'stock' });
});
