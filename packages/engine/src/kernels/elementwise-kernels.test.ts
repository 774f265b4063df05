import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmsNorm } from '../ops/rms-norm.js';
import { rope } from '../ops/rope.js';
import { swiGlu } from '../ops/swi-glu.js';
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

  it('RMSNorm with a width that is not a multiple of the vector width (tails)', () => {
    const x = tf.randomNormal([3, 13], 0, 3, 'float32', 11);
    const weight = tf.randomNormal([13], 1, 0.3, 'float32', 12) as tf.Tensor1D;
    const dy = tf.randomNormal([3, 13], 0, 1, 'float32', 13);
    const [kernel, composite] = bothWays(() => {
      const [gx, gw] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(rmsNorm(a, w as tf.Tensor1D, 1e-6), dy)),
      )([x, weight]);
      return [rmsNorm(x, weight, 1e-6), gx!, gw!];
    });
    expectSame(kernel, composite);
  });

  for (const [label, headDim, tableDim] of [
    ['an odd half (headDim 6)', 6, 6],
    ['a table broadcast over the head dimension [1,1,seq,1]', 8, 1],
  ] as const) {
    it(`RoPE forward and gradient with ${label}`, () => {
      const x = tf.randomNormal([1, 2, 4, headDim], 0, 1, 'float32', 14) as tf.Tensor4D;
      const angles = tf.randomUniform([1, 1, 4, tableDim], 0, 6, 'float32', 15);
      const [cos, sin] = [tf.cos(angles), tf.sin(angles)] as tf.Tensor4D[];
      const dy = tf.randomNormal([1, 2, 4, headDim], 0, 1, 'float32', 16);
      const [kernel, composite] = bothWays(() => {
        const [gx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(rope(a as tf.Tensor4D, cos!, sin!), dy)))([x]);
        return [rope(x, cos!, sin!), gx!];
      });
      expectSame(kernel, composite);
    });
  }

  it('SwiGLU forward and gradients (gate and up), tails and saturated gates included', () => {
    // 1,030 values: not a multiple of 4; the last ones saturate the sigmoid both ways.
    const values = Array.from({ length: 1030 }, (_, i) =>
      i < 1020 ? Math.sin(i * 0.37) * 12 : (i - 1025) * 25,
    );
    const gate = tf.tensor2d(values, [10, 103]);
    const up = tf.randomNormal([10, 103], 0, 1, 'float32', 17);
    const dy = tf.randomNormal([10, 103], 0, 1, 'float32', 18);
    const [kernel, composite] = bothWays(() => {
      const [gg, gu] = tf.grads((g: tf.Tensor, u: tf.Tensor) => tf.sum(tf.mul(swiGlu(g, u), dy)))([gate, up]);
      return [swiGlu(gate, up), gg!, gu!];
    });
    expectSame(kernel, composite);
    for (const output of kernel) expect(output.every(Number.isFinite)).toBe(true);
  });

  it('SwiGLU rejects gate and up of different shapes', () => {
    setElementwiseKernels(true);
    expect(() => swiGlu(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(
      /gate and up of one shape \[2,3\], got \[3,2\]/,
    );
  });

  it('rejects tables that do not broadcast, naming the shapes', () => {
    setElementwiseKernels(true);
    const x = tf.zeros([1, 2, 3, 4]) as tf.Tensor4D;
    const table = tf.zeros([1, 1, 5, 4]) as tf.Tensor4D;
    expect(() => rope(x, table, table)).toThrow(/cos broadcastable to \[1,2,3,4\], got \[1,1,5,4\]/);
  });
});
