import { BackendError, selectBackend } from '@lawgpt/engine';

/**
 * Why the webgpu backend cannot start here (the BackendError's message: the optional `webgpu` packages or an
 * adapter missing), or undefined when it starts; prints the reason for `label`'s skipped tests. Leaves the wasm
 * backend selected.
 */
export async function webgpuUnavailable(label: string): Promise<string | undefined> {
  try {
    await selectBackend({ backend: 'webgpu' });
    return undefined;
  } catch (error) {
    if (!(error instanceof BackendError)) throw error;
    console.warn(`[${label}] skipped: ${error.message}`);
    return error.message;
  } finally {
    await selectBackend({ backend: 'wasm' });
  }
}
