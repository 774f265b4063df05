import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import { registerWebgpuKernels } from './webgpu-kernels.js';
import { ENABLE_F16 } from './webgpu-stored-matmul.js';

/** The WebGPU adapter a `webgpu` backend runs on, as Dawn reports it. */
export interface GpuAdapterSummary {
  /** e.g. `nvidia`, `amd`, `intel`, `apple`, `mesa` (lavapipe). */
  vendor: string;
  /** e.g. `ampere`, `rdna-3`, `software` (lavapipe). */
  architecture: string;
  /** Device name, e.g. `llvmpipe-llvm-15-0-6-256-bits-`. */
  device: string;
  /** Driver description, e.g. `llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1`. */
  description: string;
  /** True for a CPU (software) adapter such as Mesa's lavapipe. */
  isFallbackAdapter: boolean;
  /** Whether the adapter offers `shader-f16`. */
  shaderF16: boolean;
  /**
   * Whether the device was created with `shader-f16` (requested whenever the adapter offers it): the stored-weight
   * products then read f16 weights and Q8_0/Q4_0 scales as WGSL `f16`, unless `LAWGPT_WEBGPU_F16=0`.
   */
  shaderF16Enabled: boolean;
}

/** The optional packages, named as an install command would name them. */
export const WEBGPU_PACKAGES = 'webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0';

interface AdapterLike {
  info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> & {
    isFallbackAdapter?: boolean;
  };
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor: {
    requiredFeatures: string[];
    requiredLimits: Record<string, number>;
  }): Promise<DeviceLike>;
}
interface DeviceLike {
  features: { has(name: string): boolean };
  createShaderModule(descriptor: { code: string }): unknown;
}
interface WebgpuModule {
  WebGPUBackend: new (device: DeviceLike, adapterInfo: unknown) => tf.KernelBackend;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface DawnModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

let started: GpuAdapterSummary | undefined;

/** Dawn's options (`adapter=NAME`, `backend=vulkan`, ...) from `$LAWGPT_DAWN_OPTIONS`, comma-separated. */
function dawnOptions(): string[] {
  const text = process.env.LAWGPT_DAWN_OPTIONS?.trim();
  return text ? text.split(',').map((option) => option.trim()) : [];
}

async function importOptional<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new BackendError(
      'webgpu',
      `cannot import the optional package ${name} (${(error as Error).message}); install both with \`npm install ${WEBGPU_PACKAGES}\``,
    );
  }
}

/** The adapters Dawn sees, from the message its `adapter=none` request fails with ("none" when it sees none). */
async function listDawnAdapters(dawn: DawnModule): Promise<string> {
  try {
    const adapter = await dawn.create(['adapter=none']).requestAdapter();
    return adapter ? 'unknown (Dawn listed none)' : 'none (no Vulkan/Metal/D3D12 driver found)';
  } catch (error) {
    const lines = (error as Error).message.split('\n').filter((line) => line.trim().startsWith('*'));
    return lines.length > 0 ? lines.map((line) => line.trim().slice(2)).join('; ') : 'none';
  }
}

function summarize(adapter: AdapterLike): GpuAdapterSummary {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? false,
    shaderF16: adapter.features.has('shader-f16'),
    shaderF16Enabled: false,
  };
}

/** The limits tfjs-backend-webgpu's own factory raises to the adapter's. */
const RAISED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
];

/**
 * The device tfjs-backend-webgpu would create (same features and limits), plus `shader-f16` where the adapter
 * has it; its shader modules get a kernel's {@link ENABLE_F16} moved to the front of tfjs's generated source.
 */
async function createDevice(adapter: AdapterLike): Promise<DeviceLike> {
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage', 'shader-f16'].filter((name) =>
    adapter.features.has(name),
  );
  const requiredLimits = Object.fromEntries(RAISED_LIMITS.map((name) => [name, adapter.limits[name]!]));
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  if (device.features.has('shader-f16')) {
    const createShaderModule = device.createShaderModule.bind(device);
    device.createShaderModule = (descriptor) =>
      createShaderModule(
        descriptor.code.includes(ENABLE_F16)
          ? { ...descriptor, code: `${ENABLE_F16}\n${descriptor.code.replace(ENABLE_F16, '')}` }
          : descriptor,
      );
  }
  return device;
}

/** Dawn's GPU with an adapter checked, as `navigator.gpu`, and tfjs-backend-webgpu registered on it. */
async function startDawn(): Promise<GpuAdapterSummary> {
  const dawn = await importOptional<DawnModule>('webgpu');
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis)) Object.assign(globalThis, { [key]: value });
  }
  const gpu = dawn.create(dawnOptions());
  let adapter: AdapterLike | null = null;
  let failure = '';
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    failure = ` (${(error as Error).message.split('\n')[0]})`;
  }
  if (!adapter) {
    const options = dawnOptions();
    throw new BackendError(
      'webgpu',
      `Dawn found no WebGPU adapter${options.length ? ` for options [${options.join(', ')}]` : ''}${failure}; adapters Dawn sees: ${await listDawnAdapters(dawn)}. On Linux install a Vulkan driver (GPU vendor's, or Mesa's lavapipe: \`apt-get install -t bookworm-backports mesa-vulkan-drivers\`)`,
    );
  }
  const holder = globalThis as { navigator?: Record<string, unknown> };
  holder.navigator ??= {};
  Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  const { WebGPUBackend } = await importOptional<WebgpuModule>('@tensorflow/tfjs-backend-webgpu');
  if (!tf.findBackendFactory('webgpu')) {
    throw new BackendError(
      'webgpu',
      '@tensorflow/tfjs-backend-webgpu was imported before navigator.gpu existed and did not register; select the backend through selectBackend({ backend: "webgpu" }) before importing it',
    );
  }
  // Replace the package's factory (which requests no shader-f16) by one creating the device on our adapter.
  const found = adapter;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', async () => new WebGPUBackend(await createDevice(found), found.info), 3);
  return summarize(adapter);
}

/**
 * Creates Dawn's `navigator.gpu`, checks that it finds an adapter, registers tfjs-backend-webgpu and makes it
 * the active tfjs backend with the project's WGSL kernels. A missing package or adapter is a
 * {@link BackendError} naming what is missing and the adapters Dawn sees; there is no fallback.
 */
export async function startWebgpu(): Promise<GpuAdapterSummary> {
  if (started && tf.getBackend() === 'webgpu') return started;
  started ??= await startDawn();
  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (error) {
    throw new BackendError('webgpu', `tf.setBackend('webgpu') failed: ${(error as Error).message}`);
  }
  if (!ok) throw new BackendError('webgpu', "tf.setBackend('webgpu') returned false (no device)");
  await tf.ready();
  registerWebgpuKernels();
  const { device } = tf.backend() as unknown as { device?: DeviceLike };
  started.shaderF16Enabled = device?.features.has('shader-f16') ?? false;
  return started;
}

/** The adapter of the started `webgpu` backend, if any. */
export function webgpuAdapter(): GpuAdapterSummary | undefined {
  return started ? { ...started } : undefined;
}
