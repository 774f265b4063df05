import './tfjs-setup.js';
import * as tf from '@tensorflow/tfjs-core';
import { quietCpuBanner } from './cpu-banner.js';
import { BackendError } from './errors.js';
import { type GpuAdapterSummary, startWebgpu } from './webgpu/webgpu-device.js';

// Before any tensor exists: the cpu backend's "install our node backend" banner is advice we have taken.
quietCpuBanner();

/**
 * TensorFlow.js backends: `tensorflow` = `@tensorflow/tfjs-node` (libtensorflow, CPU),
 * `gpu` = `@tensorflow/tfjs-node-gpu` (CUDA), `webgpu` = `@tensorflow/tfjs-backend-webgpu` on Dawn's `webgpu`
 * package (Vulkan, Metal, D3D12) with the project's WGSL kernels, `wasm` = `@tensorflow/tfjs-backend-wasm`,
 * `cpu` = pure JS.
 */
export type BackendName = 'tensorflow' | 'gpu' | 'webgpu' | 'wasm' | 'cpu';

const BACKENDS: readonly BackendName[] = ['tensorflow', 'gpu', 'webgpu', 'wasm', 'cpu'];

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * Backend to use; default `$LAWGPT_BACKEND`, else the backend an earlier call chose explicitly
   * (while still active), else `wasm`, falling back to `cpu`.
   */
  backend?: BackendName;
}

/** The backend that is active after {@link selectBackend}. */
export interface SelectedBackend {
  /** Our name for it. */
  name: BackendName;
  /** tfjs's registered name (`tensorflow` for both node packages). */
  tfjsName: string;
  /** Why this one: `option`, `env` (LAWGPT_BACKEND), `previous` (an earlier explicit choice) or `default`. */
  source: 'option' | 'env' | 'previous' | 'default';
  /** `webgpu` only: the adapter it runs on (vendor, architecture, ...). */
  adapter?: GpuAdapterSummary;
}

const PACKAGES: Partial<Record<BackendName, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  gpu: '@tensorflow/tfjs-node-gpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
};

/**
 * Activate a backend. An explicitly requested backend (option or `LAWGPT_BACKEND`) that is not
 * installed or fails to start throws {@link BackendError}; the default tries `wasm`, then `cpu`.
 */
export async function selectBackend({ backend }: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const fromEnv = process.env.LAWGPT_BACKEND?.trim();
  const requested = backend ?? (fromEnv ? fromEnv : undefined);
  if (requested !== undefined) {
    if (!BACKENDS.includes(requested as BackendName)) {
      throw new BackendError(requested, `unknown backend; use one of ${BACKENDS.join(', ')}`);
    }
    const name = requested as BackendName;
    const adapter = await activate(name);
    explicitChoice = name;
    return {
      name,
      tfjsName: tf.getBackend(),
      source: backend ? 'option' : 'env',
      ...(adapter && { adapter }),
    };
  }
  if (explicitChoice && tf.getBackend() === (explicitChoice === 'gpu' ? 'tensorflow' : explicitChoice)) {
    const adapter = explicitChoice === 'webgpu' ? await startWebgpu() : undefined;
    return {
      name: explicitChoice,
      tfjsName: tf.getBackend(),
      source: 'previous',
      ...(adapter && { adapter }),
    };
  }
  try {
    await activate('wasm');
    return { name: 'wasm', tfjsName: tf.getBackend(), source: 'default' };
  } catch {
    await activate('cpu');
    return { name: 'cpu', tfjsName: tf.getBackend(), source: 'default' };
  }
}

/** Makes `name` the active backend; for `webgpu`, returns its adapter. */
async function activate(name: BackendName): Promise<GpuAdapterSummary | undefined> {
  if (name === 'webgpu') return await startWebgpu();
  const tfjsName = name === 'gpu' ? 'tensorflow' : name;
  if (tf.getBackend() === tfjsName && (name !== 'gpu' || gpuLoaded)) return;
  const packageName = PACKAGES[name];
  if (packageName) await importBackendPackage(name, packageName);
  let ok = false;
  try {
    ok = await tf.setBackend(tfjsName);
  } catch (error) {
    throw new BackendError(name, `tf.setBackend('${tfjsName}') failed: ${(error as Error).message}`);
  }
  if (!ok)
    throw new BackendError(name, `tf.setBackend('${tfjsName}') returned false (initialisation failed)`);
  await tf.ready();
  return undefined;
}

let gpuLoaded = false;
/** The last backend asked for by option or environment. */
let explicitChoice: BackendName | undefined;

async function importBackendPackage(name: BackendName, packageName: string): Promise<void> {
  try {
    await import(packageName);
    if (name === 'gpu') gpuLoaded = true;
  } catch (error) {
    const hint =
      name === 'wasm'
        ? 'reinstall @lawgpt/engine'
        : `install it with \`npm install ${packageName}@4.22.0\` (downloads libtensorflow${name === 'gpu' ? ' with CUDA' : ''})`;
    throw new BackendError(name, `cannot import ${packageName} (${(error as Error).message}); ${hint}`);
  }
}
