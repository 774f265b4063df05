// Gradients, chained tensor methods and the cpu backend, before anything computes.
import './tfjs-setup.js';

export {
  type BackendName,
  type SelectBackendOptions,
  type SelectedBackend,
  selectBackend,
} from './backend.js';
export { BackendError, EngineError, KernelError, WeightStoreError } from './errors.js';
export type { KernelEngine, KernelState, UseKernelsOptions } from './kernels/use-kernels.js';
export { activeKernels, kernelStats, useKernels } from './kernels/use-kernels.js';
export { cachedAttention } from './kv/cached-attention.js';
export { type KvFormat, KvStore, type KvStoreOptions } from './kv/kv-store.js';
export { attention, repeatKv } from './ops/attention.js';
export { embedding } from './ops/embedding.js';
export { linear } from './ops/linear.js';
export { OP_KERNELS } from './ops/named-op.js';
export { rmsNorm } from './ops/rms-norm.js';
export { rope } from './ops/rope.js';
export { swiGlu } from './ops/swi-glu.js';
export { selectKernels } from './select-kernels.js';
export { type GpuAdapterSummary, webgpuAdapter } from './webgpu/webgpu-device.js';
export { WEBGPU_KERNELS } from './webgpu/webgpu-kernels.js';
export { webgpuWeightBytes } from './webgpu/webgpu-stored-matmul.js';
export { storedMatMul, storedMatMulTransposed } from './weights/stored-matmul.js';
export { StoredWeight, type StoredWeightInfo } from './weights/stored-weight.js';
export {
  bytesPerValue,
  canStore,
  formatOfGgmlType,
  GGML_TYPE_CODES,
  isQuantized,
  QUANT_BLOCK,
  rowBytes,
  WEIGHT_FORMATS,
  type WeightFormat,
} from './weights/weight-format.js';
export { type LoadWeightOptions, WeightStore, weightStore } from './weights/weight-store.js';
