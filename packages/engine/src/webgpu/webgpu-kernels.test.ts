import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { linear } from '../ops/linear.js';
import { rmsNorm } from '../ops/rms-norm.js';
import { rope } from '../ops/rope.js';
import { swiGlu } from '../ops/swi-glu.js';
import { storedMatMul, storedMatMulTransposed } from '../weights/stored-matmul.js';
import { WEIGHT_FORMATS } from '../weights/weight-format.js';
import { weightStore } from '../weights/weight-store.js';
import { webgpuUnavailable } from './webgpu.test-helpers.js';
import { webgpuStoredMatMul, webgpuStoredMatMulGradX } from './webgpu-stored-matmul.js';

// Conformance of the WGSL kernels on whatever adapter Dawn finds (Mesa's lavapipe in CI). Documented tolerances:
// named ops (forward and gradients) within 2e-6 · (1 + |reference|) of tfjs's composed ops on the cpu backend;
// stored products and their gradient for x within 1e-5 · (1 + |y|) of the wasm engine's (same per-block integer
// sums; f32 sums in a different order).
const NAMED_OP_TOLERANCE = 2e-6;
const STORED_TOLERANCE = 1e-5;

const reason = await webgpuUnavailable();
if (reason) console.warn(`[webgpu-kernels.test] skipped: ${reason}`);

function random(seed: number, count: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state / 4294967296) * 2 - 1) * scale;
  });
}

/** Worst |got − want| / (1 + |want|) over every output. */
function worstDiff(got: Float32Array[], want: Float32Array[]): number {
  let worst = 0;
  expect(got.length).toBe(want.length);
  for (const [index, values] of got.entries()) {
    expect(values.length).toBe(want[index]!.length);
    for (let i = 0; i < values.length; i++) {
      const reference = want[index]![i]!;
      const diff = Math.abs(values[i]! - reference) / (1 + Math.abs(reference));
      worst = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : Math.max(worst, diff);
    }
  }
  return worst;
}

/** `compute` on the cpu backend (composed ops: no named kernels there), then on webgpu (our kernels). */
async function cpuThenWebgpu(compute: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const outputs = compute();
    const values = await Promise.all(outputs.map(async (tensor) => (await tensor.data()) as Float32Array));
    tf.dispose(outputs);
    return values;
  };
  const reference = await run('cpu');
  const got = await run('webgpu');
  return [got, reference];
}

describe.skipIf(reason !== undefined)('WGSL kernels on the webgpu backend', () => {
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  it('serves the named ops with our kernels (adapter reported)', async () => {
    const selected = await selectBackend({ backend: 'webgpu' });
    expect(selected.tfjsName).toBe('webgpu');
    expect(selected.adapter?.vendor).toBeTruthy();
    for (const name of [
      'LawgptRmsNorm',
      'LawgptRmsNormGradW',
      'LawgptRope',
      'LawgptSwiGluGradUp',
      'LawgptStoredMatMul',
    ]) {
      expect(tf.getKernel(name, 'webgpu'), name).toBeDefined();
    }
    expect(tf.getKernel('LawgptStoredMatMul', 'webgpu')?.kernelFunc).toBe(webgpuStoredMatMul);
    expect(tf.getKernel('LawgptStoredMatMulGradX', 'webgpu')?.kernelFunc).toBe(webgpuStoredMatMulGradX);
  });

  it('RMSNorm forward and gradients (x and weight) equal the composed ops', async () => {
    const shape = [3, 5, 80]; // 80 > 64 threads: each thread sums more than one column
    const [got, want] = await cpuThenWebgpu(() => {
      const x = tf.tensor(random(1, 3 * 5 * 80, 2), shape);
      const weight = tf.tensor1d(random(2, 80, 0.3).map((v) => 1 + v));
      const dy = tf.tensor(random(3, 3 * 5 * 80), shape);
      const y = rmsNorm(x, weight, 1e-5);
      const [gx, gw] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(rmsNorm(a, w as tf.Tensor1D, 1e-5), dy)),
      )([x, weight]);
      return [y, gx!, gw!];
    });
    const worst = worstDiff(got, want);
    console.log(`[webgpu] RMSNorm forward + gradients: worst relative diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(NAMED_OP_TOLERANCE);
  });

  for (const rows of [1, 2]) {
    it(`RoPE forward and gradients (x, cos, sin) with [${rows},1,seq,headDim] tables`, async () => {
      const [got, want] = await cpuThenWebgpu(() => {
        const x = tf.tensor(random(4, 2 * 3 * 5 * 8), [2, 3, 5, 8]) as tf.Tensor4D;
        const angles = tf.tensor(random(5, rows * 5 * 8, 3), [rows, 1, 5, 8]);
        const cos = tf.cos(angles) as tf.Tensor4D;
        const sin = tf.sin(angles) as tf.Tensor4D;
        const dy = tf.tensor(random(6, 2 * 3 * 5 * 8), [2, 3, 5, 8]);
        const y = rope(x, cos, sin);
        const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, s: tf.Tensor) =>
          tf.sum(tf.mul(rope(a as tf.Tensor4D, c as tf.Tensor4D, s as tf.Tensor4D), dy)),
        )([x, cos, sin]);
        return [y, ...grads];
      });
      const worst = worstDiff(got, want);
      console.log(`[webgpu] RoPE (${rows} table rows): worst relative diff ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(NAMED_OP_TOLERANCE);
    });
  }

  it('SwiGLU forward and gradients (gate and up) equal the composed ops', async () => {
    const [got, want] = await cpuThenWebgpu(() => {
      const gate = tf.tensor(random(7, 4 * 100, 6), [4, 100]);
      const up = tf.tensor(random(8, 4 * 100, 2), [4, 100]);
      const dy = tf.tensor(random(9, 4 * 100), [4, 100]);
      const y = swiGlu(gate, up);
      const grads = tf.grads((g: tf.Tensor, u: tf.Tensor) => tf.sum(tf.mul(swiGlu(g, u), dy)))([gate, up]);
      return [y, ...grads];
    });
    const worst = worstDiff(got, want);
    console.log(`[webgpu] SwiGLU forward + gradients: worst relative diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(NAMED_OP_TOLERANCE);
  });

  for (const format of WEIGHT_FORMATS) {
    it(`linear(x, StoredWeight) in ${format}: product (1 and 3 rows) and x's gradient equal the wasm engine's`, async () => {
      await selectBackend({ backend: 'webgpu' });
      const [rows, cols] = [70, 96];
      const weight = weightStore().fromValues({
        name: `webgpu.${format}`,
        format,
        rows,
        cols,
        values: random(10, rows * cols, 0.5),
      });
      let worst = 0;
      for (const count of [1, 3]) {
        const x = random(11 + count, count * cols, 3);
        const want = new Float32Array(count * rows);
        storedMatMul(weight, x, count, want);
        const y = linear(tf.tensor2d(x, [count, cols]), weight);
        expect(y.shape).toEqual([count, rows]);
        worst = Math.max(worst, worstDiff([(await y.data()) as Float32Array], [want]));
        y.dispose();
        // dx = dy · W (the weight is frozen: the gradient flows to x only)
        const dy = random(20 + count, count * rows);
        const wantDx = new Float32Array(count * cols);
        storedMatMulTransposed(weight, dy, count, wantDx);
        const dx = tf.grad((input: tf.Tensor) =>
          tf.sum(tf.mul(linear(input as tf.Tensor2D, weight), tf.tensor2d(dy, [count, rows]))),
        )(tf.tensor2d(x, [count, cols]));
        worst = Math.max(worst, worstDiff([(await dx.data()) as Float32Array], [wantDx]));
        dx.dispose();
      }
      weight.dispose();
      console.log(
        `[webgpu] stored ${format} product and x gradient: worst relative diff ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(STORED_TOLERANCE);
    });
  }
});
