import type { SelectedBackend } from './backend.js';
import { KernelError } from './errors.js';
import {
  activeKernels,
  type KernelEngine,
  type KernelState,
  resolveEngine,
  useKernels,
} from './kernels/use-kernels.js';

/**
 * Put the matMul engine in place for a model on `backend`: on `wasm`, `engine` (default
 * `$LAWGPT_KERNELS`, else the project's multi-threaded WASM SIMD kernel) replaces tfjs's BatchMatMul, unless
 * that engine is already active; other backends keep their own kernels (`undefined` is returned).
 */
export function selectKernels(
  backend: SelectedBackend,
  engine?: KernelEngine,
  env: Record<string, string | undefined> = process.env,
): KernelState | undefined {
  const { requested } = resolveEngine({ engine, env });
  if (backend.tfjsName !== 'wasm') {
    if (engine !== undefined && engine !== 'stock') {
      throw new KernelError(
        'options.kernels',
        `"stock" on the ${backend.name} backend (kernels replace wasm's only)`,
        JSON.stringify(engine),
      );
    }
    return undefined;
  }
  // Keep what is installed when it is the engine asked for (also when useKernels set it up with its own
  // thread count); a fallback already reported is not retried on every load.
  const active = activeKernels();
  if (active.requested === requested) return active;
  return useKernels({ engine: requested, env });
}
