import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { BackendError } from '../errors.js';
import { webgpuAdapter } from './webgpu-device.js';

// Runs in its own process (vitest isolates files), so the failing start below comes before any successful one.
const missing = await import('webgpu' as string).then(
  () => undefined,
  (error: Error) => `the optional package webgpu is not installed (${error.message})`,
);
if (missing) console.warn(`[webgpu-device.test] skipped: ${missing}`);

describe.skipIf(missing !== undefined)('selectBackend({ backend: "webgpu" })', () => {
  afterAll(async () => {
    delete process.env.LAWGPT_DAWN_OPTIONS;
    delete process.env.LAWGPT_BACKEND;
    await selectBackend({ backend: 'wasm' });
  });

  it('names the missing adapter and lists the adapters Dawn sees, with no fallback', async () => {
    process.env.LAWGPT_DAWN_OPTIONS = 'adapter=no-such-adapter';
    const error = await selectBackend({ backend: 'webgpu' }).catch((caught: unknown) => caught);
    delete process.env.LAWGPT_DAWN_OPTIONS;
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).backend).toBe('webgpu');
    expect((error as BackendError).message).toMatch(
      /no WebGPU adapter for options \[adapter=no-such-adapter\]/,
    );
    expect((error as BackendError).message).toMatch(/adapters Dawn sees: (backend: '|none)/);
    expect(webgpuAdapter()).toBeUndefined();
  });

  it('starts from LAWGPT_BACKEND=webgpu and reports the adapter (skipped without one)', async (context) => {
    process.env.LAWGPT_BACKEND = 'webgpu';
    const selected = await selectBackend().catch((error: unknown) => error);
    delete process.env.LAWGPT_BACKEND;
    if (selected instanceof BackendError && /no WebGPU adapter/.test(selected.message)) {
      console.warn(`[webgpu-device.test] no adapter here: ${selected.message}`);
      context.skip();
    }
    expect(selected).toMatchObject({ name: 'webgpu', tfjsName: 'webgpu', source: 'env' });
    const { adapter } = selected as { adapter: NonNullable<ReturnType<typeof webgpuAdapter>> };
    console.log(`[webgpu] adapter: ${JSON.stringify(adapter)}`);
    expect(adapter.vendor.length + adapter.architecture.length).toBeGreaterThan(0);
    expect(webgpuAdapter()).toEqual(adapter);
    expect(await selectBackend()).toMatchObject({ name: 'webgpu', source: 'previous', adapter });
  });
});
