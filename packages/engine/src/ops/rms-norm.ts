import * as tf from '@tensorflow/tfjs-core';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/** HF LlamaRMSNorm: `w · x · rsqrt(mean(x², last axis) + eps)`, float32. x: [..., hidden], w: [hidden]. */
export function rmsNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, eps: number): T {
  return runNamedOp(OP_KERNELS.rmsNorm, { x, weight }, { eps }, () =>
    tf.tidy(() => {
      const variance = tf.mean(tf.square(x), -1, true);
      return tf.mul(weight, tf.mul(x, tf.rsqrt(tf.add(variance, eps)))) as T;
    }),
  );
}
