import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { BackendError } from './errors.js';

describe('selectBackend', () => {
  afterEach(() => {
    delete process.env.LAWGPT_BACKEND;
  });

  it('defaults to wasm and reports it', async () => {
    const selected = await selectBackend();
    expect(selected).toEqual({ name: 'wasm', tfjsName: 'wasm', source: 'default' });
  });

  it('honours LAWGPT_BACKEND and the option, option first', async () => {
    process.env.LAWGPT_BACKEND = 'cpu';
    expect(await selectBackend()).toEqual({ name: 'cpu', tfjsName: 'cpu', source: 'env' });
    expect((await selectBackend({ backend: 'wasm' })).source).toBe('option');
    delete process.env.LAWGPT_BACKEND;
    expect(await selectBackend()).toEqual({ name: 'wasm', tfjsName: 'wasm', source: 'previous' });
    await selectBackend({ backend: 'cpu' });
    expect((await selectBackend()).name).toBe('cpu');
  });

  it('throws a BackendError for a backend that is not installed or unknown', async () => {
    const missing = await selectBackend({ backend: 'gpu' }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(BackendError);
    expect((missing as BackendError).message).toMatch(/@tensorflow\/tfjs-node-gpu/);
    process.env.LAWGPT_BACKEND = 'metal';
    await expect(selectBackend()).rejects.toThrow(/unknown backend/);
  });
});
