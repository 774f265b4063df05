import * as tf from '@tensorflow/tfjs';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/**
 * `y = x · W` with W stored pre-transposed as `[in, out]` (the HF `nn.Linear` weight is
 * `[out, in]`): a plain, untransposed 2-D matMul, the fast path of the wasm backend.
 * x: [rows, in] → y: [rows, out].
 */
export function linear(x: tf.Tensor2D, weightInOut: tf.Tensor2D): tf.Tensor2D {
  return runNamedOp(OP_KERNELS.linear, { x, weight: weightInOut }, {}, () => tf.matMul(x, weightInOut));
}
