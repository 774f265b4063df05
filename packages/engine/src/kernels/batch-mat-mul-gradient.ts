import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums `gradient` over the axes that broadcasting added or stretched, then reshapes it to `shape`
 * (`[4,37,53]` → `[1,37,53]`, `[2,3,16,24]` → `[2,1,16,24]`, `[5,7,9]` → `[7,9]`).
 */
export function reduceToShape(gradient: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const have = gradient.shape;
  if (have.length === shape.length && have.every((size, axis) => size === shape[axis])) return gradient;
  const lead = have.length - shape.length;
  const axes: number[] = [];
  for (let axis = 0; axis < have.length; axis++) {
    if (axis < lead || (shape[axis - lead] === 1 && have[axis] !== 1)) axes.push(axis);
  }
  const summed = axes.length > 0 ? tf.sum(gradient, axes, true) : gradient;
  return tf.reshape(summed, [...shape]);
}

/**
 * BatchMatMul's gradient, like tfjs's but correct for broadcast batch dimensions: tfjs returns the gradient of a
 * broadcast operand at the broadcast shape (and the tape rejects it); this one sums it back to the input's shape.
 */
export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const upstream = dy as tf.Tensor;
    let gradA: () => tf.Tensor;
    let gradB: () => tf.Tensor;
    if (!transposeA && !transposeB) {
      gradA = () => tf.matMul(upstream, b, false, true);
      gradB = () => tf.matMul(a, upstream, true, false);
    } else if (!transposeA && transposeB) {
      gradA = () => tf.matMul(upstream, b, false, false);
      gradB = () => tf.matMul(upstream, a, true, false);
    } else if (transposeA && !transposeB) {
      gradA = () => tf.matMul(b, upstream, false, true);
      gradB = () => tf.matMul(a, upstream, false, false);
    } else {
      gradA = () => tf.matMul(b, upstream, true, true);
      gradB = () => tf.matMul(upstream, a, true, true);
    }
    return { a: () => reduceToShape(gradA(), a.shape), b: () => reduceToShape(gradB(), b.shape) };
  },
};
