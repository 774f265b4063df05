import * as tf from '@tensorflow/tfjs-core';
import { ELEMENTWISE_GRADIENTS } from '../kernels/elementwise-kernels.js';
import { CACHED_ATTENTION } from '../kv/cached-attention.js';
import { OP_KERNELS } from '../ops/named-op.js';
import { ensureStoredKernels, STORED_KERNELS } from '../weights/stored-kernels.js';
import { webgpuCachedAttention } from './webgpu-cached-attention.js';
import { webgpuFlashAttention } from './webgpu-flash-attention.js';
import { WEBGPU_NAMED_OP_KERNELS } from './webgpu-named-ops.js';
import { webgpuStoredMatMul, webgpuStoredMatMulGradX } from './webgpu-stored-matmul.js';

const BACKEND = 'webgpu';

/** Kernel names our WGSL kernels serve on the `webgpu` backend. */
export const WEBGPU_KERNELS: readonly string[] = [
  ...WEBGPU_NAMED_OP_KERNELS.map(([name]) => name),
  STORED_KERNELS.matMul,
  STORED_KERNELS.matMulGradX,
  CACHED_ATTENTION,
  OP_KERNELS.attention,
];

/**
 * Registers the project's WGSL kernels for the `webgpu` backend (RMSNorm, RoPE, SwiGLU with their gradients, and
 * the product on stored weights with its gradient for x, the KV cache's attention, the fused attention without a
 * cache, forward only) and the named ops' gradients. The stored-weight gather
 * (embeddings) is the generic kernel, which reads its indices on the CPU (they are uploaded from JS arrays).
 */
export function registerWebgpuKernels(): void {
  const configs: tf.KernelConfig[] = [
    ...WEBGPU_NAMED_OP_KERNELS.map(([kernelName, kernelFunc]) => ({
      kernelName,
      backendName: BACKEND,
      kernelFunc: kernelFunc as tf.KernelFunc,
    })),
    {
      kernelName: STORED_KERNELS.matMul,
      backendName: BACKEND,
      kernelFunc: webgpuStoredMatMul as tf.KernelFunc,
    },
    {
      kernelName: STORED_KERNELS.matMulGradX,
      backendName: BACKEND,
      kernelFunc: webgpuStoredMatMulGradX as tf.KernelFunc,
    },
    {
      kernelName: CACHED_ATTENTION,
      backendName: BACKEND,
      kernelFunc: webgpuCachedAttention as tf.KernelFunc,
    },
    {
      kernelName: OP_KERNELS.attention,
      backendName: BACKEND,
      kernelFunc: webgpuFlashAttention as tf.KernelFunc,
    },
  ];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, BACKEND)) tf.unregisterKernel(config.kernelName, BACKEND);
    tf.registerKernel(config);
  }
  for (const gradient of ELEMENTWISE_GRADIENTS) tf.registerGradient(gradient);
  // The stored gather and the stored matMul's gradient config (our kernels are registered first, so kept).
  ensureStoredKernels();
}
