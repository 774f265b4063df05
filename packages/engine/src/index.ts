export {
  type BackendName,
  type SelectBackendOptions,
  type SelectedBackend,
  selectBackend,
} from './backend.js';
export { BackendError, EngineError, KernelError } from './errors.js';
export type { KernelEngine, KernelState, UseKernelsOptions } from './kernels/use-kernels.js';
export { activeKernels, kernelStats, useKernels } from './kernels/use-kernels.js';
export { attention, repeatKv } from './ops/attention.js';
export { embedding } from './ops/embedding.js';
export { linear } from './ops/linear.js';
export { OP_KERNELS } from './ops/named-op.js';
export { rmsNorm } from './ops/rms-norm.js';
export { rope } from './ops/rope.js';
export { swiGlu } from './ops/swi-glu.js';
export { selectKernels } from './select-kernels.js';
