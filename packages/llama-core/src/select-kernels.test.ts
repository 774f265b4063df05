import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { createLlamaConfig } from './config.js';
import { InputError } from './errors.js';
import { createRandomModel } from './random-model.js';
import { selectKernels } from './select-kernels.js';

const config = createLlamaConfig({
  vocabSize: 16,
  hiddenSize: 8,
  intermediateSize: 16,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
});

describe('selectKernels', () => {
  it('installs the requested engine on wasm and the model reports it', async () => {
    const model = await createRandomModel(config, { backend: 'wasm', kernels: 'stock' });
    expect(model.kernels?.engine).toBe('stock');
    const fast = await createRandomModel(config, { backend: 'wasm', kernels: 'wasm' });
    expect(fast.kernels).toMatchObject({ requested: 'wasm', engine: 'wasm' });
    model.dispose();
    fast.dispose();
  });

  it('names a bad engine, whether from the option or LAWGPT_KERNELS', async () => {
    const wasm = await selectBackend({ backend: 'wasm' });
    expect(() => selectKernels(wasm, 'cuda' as never)).toThrow(
      /options\.kernels must be wasm \| native \| stock/,
    );
    expect(() => selectKernels(wasm, undefined, { LAWGPT_KERNELS: 'fast' })).toThrow(
      /LAWGPT_KERNELS must be/,
    );
  });

  it('leaves other backends alone and refuses a wasm engine there', async () => {
    const cpu = await selectBackend({ backend: 'cpu' });
    expect(selectKernels(cpu)).toBeUndefined();
    expect(() => selectKernels(cpu, 'native')).toThrow(InputError);
    await selectBackend({ backend: 'wasm' });
  });
});
