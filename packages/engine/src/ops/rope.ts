import * as tf from '@tensorflow/tfjs-core';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/**
 * Rotary embedding in HF's rotate_half convention: `x·cos + rotate_half(x)·sin` with
 * `rotate_half(x) = cat(-x[..., hd/2:], x[..., :hd/2])`.
 * x: [batch, heads, seq, headDim]; cos, sin: [batch or 1, 1, seq, headDim].
 */
export function rope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  return runNamedOp(OP_KERNELS.rope, { x, cos, sin }, {}, () =>
    tf.tidy(() => {
      const half = x.shape[3] / 2;
      const first = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
      const second = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
      const rotated = tf.concat([tf.neg(second), first], 3);
      return tf.add(tf.mul(x, cos), tf.mul(rotated, sin)) as tf.Tensor4D;
    }),
  );
}
