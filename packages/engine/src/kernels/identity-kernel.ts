import * as tf from '@tensorflow/tfjs-core';

/** The part of the tfjs wasm backend the zero-copy Identity uses. */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

let stockIdentity: tf.KernelConfig | undefined;

/**
 * tfjs-wasm's `Identity` copies its input into a new buffer; tensors are immutable, so the output can share
 * the input's buffer with one more reference instead — what tfjs's `cpu` backend and the wasm `Reshape` do.
 * Gradients call Identity for every pass-through (dozens of copies per training step).
 */
function identity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string')
    return stockIdentity!.kernelFunc({ inputs, backend, attrs: {} } as never) as tf.TensorInfo;
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Installs (or, with `false`, restores tfjs's) Identity on the `wasm` backend. */
export function setZeroCopyIdentity(enabled: boolean): void {
  stockIdentity ??= tf.getKernel(tf.Identity, 'wasm');
  if (!stockIdentity) return;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel(
    enabled
      ? { kernelName: tf.Identity, backendName: 'wasm', kernelFunc: identity as tf.KernelFunc }
      : stockIdentity,
  );
}
