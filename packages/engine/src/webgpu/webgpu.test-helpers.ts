import { selectBackend } from '../backend.js';
import { BackendError } from '../errors.js';

/**
 * Why the webgpu backend cannot run here (the BackendError's message: package or adapter missing), or
 * undefined when it starts. Leaves the wasm backend selected.
 */
export async function webgpuUnavailable(): Promise<string | undefined> {
  try {
    await selectBackend({ backend: 'webgpu' });
    return undefined;
  } catch (error) {
    if (error instanceof BackendError) return error.message;
    throw error;
  } finally {
    await selectBackend({ backend: 'wasm' });
  }
}
