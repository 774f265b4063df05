import * as tf from '@tensorflow/tfjs-core';
import { ensureStoredKernels, STORED_KERNELS } from '../weights/stored-kernels.js';
import { StoredWeight } from '../weights/stored-weight.js';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/**
 * `y = x · W` for a linear layer. x: [rows, in] → y: [rows, out].
 * - A tensor weight is stored pre-transposed as `[in, out]` (the HF `nn.Linear` weight is `[out, in]`): a plain,
 *   untransposed 2-D matMul, the fast path of the wasm backend; it is trainable.
 * - A {@link StoredWeight} keeps nn.Linear's `[out, in]` layout in its stored format (f32, f16, bf16, Q8_0, Q4_0)
 *   outside TensorFlow.js; the product runs in the engine, and the gradient flows to x only.
 */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D | StoredWeight): tf.Tensor2D {
  if (weight instanceof StoredWeight) {
    weight.check();
    ensureStoredKernels();
    return tf
      .engine()
      .runKernel(STORED_KERNELS.matMul, { x }, { weight } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return runNamedOp(OP_KERNELS.linear, { x, weight }, {}, () => tf.matMul(x, weight));
}
