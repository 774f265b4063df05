import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from '../errors.js';
import { type Backend, inputValues, output } from '../weights/stored-kernels.js';
import type { KvStore } from './kv-store.js';

/** Kernel name of {@link cachedAttention}. */
export const CACHED_ATTENTION = 'LawgptCachedAttention';

interface Attrs {
  store: KvStore;
  layer: number;
  position: number;
  scale: number;
}

const registered = new Set<string>();

function ensureKernel(): void {
  const backendName = tf.getBackend();
  if (registered.has(backendName)) return;
  // A backend's own kernel (webgpu's, registered when it starts) stays.
  if (tf.getKernel(CACHED_ATTENTION, backendName)) return;
  if (backendName === 'webgpu') {
    // The kernel below reads q/k/v synchronously, which tfjs-webgpu cannot do in Node (no OffscreenCanvas).
    throw new KernelError(
      'cachedAttention',
      "the webgpu backend started by selectBackend({ backend: 'webgpu' })",
      'webgpu set up some other way',
    );
  }
  tf.registerKernel({
    kernelName: CACHED_ATTENTION,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { store, layer, position, scale } = attrs as unknown as Attrs;
      const { q, k, v, bias } = inputs as Record<string, tf.TensorInfo>;
      const [batch, heads, queries] = q!.shape as number[];
      return output(backend as Backend, q!.shape, (out) => {
        const values = (tensor: tf.TensorInfo) => inputValues(backend as Backend, tensor) as Float32Array;
        store.ensure(batch!, position + queries!, position);
        store.attend({
          layer,
          q: values(q!),
          k: values(k!),
          v: values(v!),
          heads: heads!,
          queries: queries!,
          position,
          bias: bias ? values(bias) : undefined,
          biasBatch: bias?.shape[0],
          scale,
          out,
        });
      });
    },
  });
  registered.add(backendName);
}

/**
 * Attention through a {@link KvStore}: writes this step's keys and values of `layer` at `position` (the positions
 * already cached), then attends every query to all `position + queries` positions.
 * q: [batch, heads, queries, headDim]; k, v: [batch, kvHeads, queries, headDim] (after RoPE);
 * bias: additive mask [batch or 1, 1, queries, position + queries] or null. Inference only (no gradient).
 * Returns [batch, heads, queries, headDim].
 */
export function cachedAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  bias: tf.Tensor4D | null,
  { store, layer, position, scale }: Attrs,
): tf.Tensor4D {
  ensureKernel();
  const inputs: tf.NamedTensorMap = bias ? { q, k, v, bias } : { q, k, v };
  return tf.engine().runKernel(CACHED_ATTENTION, inputs, {
    store,
    layer,
    position,
    scale,
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
