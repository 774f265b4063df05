import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernel names of the model's ops. A faster implementation for a backend is plugged in with
 * `tf.registerKernel({ kernelName, backendName, kernelFunc })` (and `tf.registerGradient` for
 * training); without one the op is composed from stock tfjs ops.
 */
export const OP_KERNELS = {
  linear: 'LawgptLinear',
  embedding: 'LawgptEmbedding',
  rmsNorm: 'LawgptRmsNorm',
  rope: 'LawgptRope',
  swiGlu: 'LawgptSwiGlu',
  attention: 'LawgptAttention',
} as const;

/** Run `kernelName` when the active backend has it registered, else the composed fallback. */
export function runNamedOp<T extends tf.Tensor>(
  kernelName: string,
  inputs: tf.NamedTensorMap,
  attrs: Record<string, unknown>,
  fallback: () => T,
): T {
  if (tf.getKernel(kernelName, tf.getBackend()) !== undefined) {
    // biome-ignore lint/suspicious/noExplicitAny: tfjs's runKernel attrs type is NamedAttrMap
    return tf.engine().runKernel(kernelName, inputs, attrs as any) as T;
  }
  return fallback();
}
