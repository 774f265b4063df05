import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { KernelError } from './errors.js';
import { useKernels } from './kernels/use-kernels.js';
import { selectKernels } from './select-kernels.js';

describe('selectKernels', () => {
  it('installs the requested engine on wasm, and keeps it when asked again', async () => {
    const wasm = await selectBackend({ backend: 'wasm' });
    expect(selectKernels(wasm, 'stock')?.engine).toBe('stock');
    const fast = selectKernels(wasm, 'wasm');
    expect(fast).toMatchObject({ requested: 'wasm', engine: 'wasm' });
    expect(selectKernels(wasm, 'wasm')).toEqual(fast);
  });

  it('names a bad engine, whether from the option or LAWGPT_KERNELS', async () => {
    const wasm = await selectBackend({ backend: 'wasm' });
    expect(() => selectKernels(wasm, 'cuda' as never)).toThrow(
      /useKernels: expected engine wasm \| native \| stock, got "cuda"/,
    );
    expect(() => selectKernels(wasm, undefined, { LAWGPT_KERNELS: 'fast' })).toThrow(
      /LAWGPT_KERNELS: expected wasm \| native \| stock, got "fast"/,
    );
  });

  it('leaves other backends alone and refuses a wasm engine there', async () => {
    const cpu = await selectBackend({ backend: 'cpu' });
    expect(selectKernels(cpu)).toBeUndefined();
    expect(() => selectKernels(cpu, 'native')).toThrow(KernelError);
    await selectBackend({ backend: 'wasm' });
    useKernels();
  });
});
