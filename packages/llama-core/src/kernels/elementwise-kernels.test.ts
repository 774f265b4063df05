import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmsNorm } from '../ops/rms-norm.js';
import { rope } from '../ops/rope.js';
import { setElementwiseKernels } from './elementwise-kernels.js';

/** Runs `compute` with the elementwise kernels on, then off (stock composite), returning both results. */
function bothWays(compute: () => tf.Tensor[]): [Float32Array[], Float32Array[]] {
  const run = (enabled: boolean) => {
    setElementwiseKernels(enabled);
    const outputs = compute();
    const values = outputs.map((tensor) => tensor.dataSync() as Float32Array);
    tf.dispose(outputs);
    return values;
  };
  return [run(true), run(false)];
}

function expectSame(got: Float32Array[], want: Float32Array[]) {
  expect(got.length).toBe(want.length);
  for (const [index, values] of got.entries()) {
    const reference = want[index]!;
    expect(values.length).toBe(reference.length);
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      worst = Math.max(worst, Math.abs(values[i]! - reference[i]!) / (1 + Math.abs(reference[i]!)));
    }
    expect(worst, `output ${index}`).toBeLessThan(2e-6);
  }
}

describe('elementwise kernels on the wasm backend match the composite ops', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(() => setElementwiseKernels(false));

  it('RMSNorm forward and gradients (x and weight)', () => {
    const x = tf.randomNormal([2, 5, 16], 0, 2, 'float32', 1);
    const weight = tf.randomNormal([16], 1, 0.3, 'float32', 2) as tf.Tensor1D;
    const dy = tf.randomNormal([2, 5, 16], 0, 1, 'float32', 3);
    const [kernel, composite] = bothWays(() => {
      const y = rmsNorm(x, weight, 1e-5);
      const [gx, gw] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(rmsNorm(a, w as tf.Tensor1D, 1e-5), dy)),
      )([x, weight]);
      return [y, gx!, gw!];
    });
    expectSame(kernel, composite);
    expect(tf.getKernel('LawgptRmsNorm', 'wasm')).toBeUndefined();
  });

  for (const rows of [1, 2]) {
    it(`RoPE forward and gradient with tables for ${rows} row(s) [${rows},1,seq,headDim]`, () => {
      const x = tf.randomNormal([2, 3, 5, 8], 0, 1, 'float32', 4) as tf.Tensor4D;
      const angles = tf.randomUniform([rows, 1, 5, 8], 0, 6, 'float32', 5);
      const cos = tf.cos(angles) as tf.Tensor4D;
      const sin = tf.sin(angles) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 3, 5, 8], 0, 1, 'float32', 6);
      const [kernel, composite] = bothWays(() => {
        const y = rope(x, cos, sin);
        const [gx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(rope(a as tf.Tensor4D, cos, sin), dy)))([x]);
        return [y, gx!];
      });
      expectSame(kernel, composite);
    });
  }

  it('rejects tables that do not broadcast, naming the shapes', () => {
    setElementwiseKernels(true);
    const x = tf.zeros([1, 2, 3, 4]) as tf.Tensor4D;
    const table = tf.zeros([1, 1, 5, 4]) as tf.Tensor4D;
    expect(() => rope(x, table, table)).toThrow(/cos broadcastable to \[1,2,3,4\], got \[1,1,5,4\]/);
  });
});
