import * as tf from '@tensorflow/tfjs-core';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/** SwiGLU activation of LlamaMLP: `silu(gate) · up` with `silu(g) = g · sigmoid(g)`. gate, up: same shape. */
export function swiGlu<T extends tf.Tensor>(gate: T, up: T): T {
  return runNamedOp(OP_KERNELS.swiGlu, { gate, up }, {}, () =>
    tf.tidy(() => tf.mul(tf.mul(gate, tf.sigmoid(gate)), up) as T),
  );
}
