import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { weightStore } from '../weights/weight-store.js';
import { embedding } from './embedding.js';
import { linear } from './linear.js';

const rows = 24;
const cols = 64;
const values = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * 0.3);
const x = Float32Array.from({ length: 5 * cols }, (_, i) => Math.cos(i * 0.11));

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [av, bv] = [Array.from(await a.data()), Array.from(await b.data())];
  return av.reduce((worst, value, i) => Math.max(worst, Math.abs(value - bv[i]!)), 0);
}

describe.each(['wasm', 'cpu'] as const)('linear and embedding with a stored weight on %s', (backend) => {
  const weight = weightStore().fromValues({ name: 'w', format: 'f32', rows, cols, values });
  afterAll(() => weight.dispose());

  it('forward and the gradient to x equal the tensor path', async () => {
    await selectBackend({ backend });
    const input = tf.tensor2d(x, [5, cols]);
    const dense = tf.transpose(tf.tensor2d(values, [rows, cols])) as tf.Tensor2D; // [in, out]
    const loss = (w: tf.Tensor2D | typeof weight) => (v: tf.Tensor) =>
      tf.sum(tf.square(linear(v as tf.Tensor2D, w)));
    expect(await maxDiff(linear(input, weight), linear(input, dense))).toBeLessThan(1e-5);
    const stored = tf.grad(loss(weight))(input);
    const reference = tf.grad(loss(dense))(input);
    expect(await maxDiff(stored, reference)).toBeLessThan(1e-4);
    const rowsOut = embedding(weight, [3, 0, 23, 3]);
    expect(rowsOut.shape).toEqual([4, cols]);
    expect(Array.from(await rowsOut.data()).slice(0, cols)).toEqual(
      Array.from(values.subarray(3 * cols, 4 * cols)),
    );
    tf.dispose([input, dense, stored, reference, rowsOut]);
  });

  it('refuses a disposed weight by name', async () => {
    await selectBackend({ backend });
    const gone = weightStore().fromValues({ name: 'gone', format: 'q8_0', rows, cols, values });
    gone.dispose();
    expect(() => linear(tf.zeros([1, cols]) as tf.Tensor2D, gone)).toThrow(
      /weight "gone": used after dispose/,
    );
  });
});
