import { describe, expect, it } from 'vitest';
import { createLlamaConfig } from './config.js';
import { MemoryError } from './errors.js';
import { checkMemory, planWeights } from './load-weights.js';
import type { SourceTensor, WeightSource } from './weight-source.js';
import { parameterSpecs } from './weights.js';

// A 7B-shaped source that holds no data: planning reads only shapes and formats.
const config = createLlamaConfig({
  vocabSize: 49953,
  hiddenSize: 4096,
  intermediateSize: 11008,
  numHiddenLayers: 32,
  numAttentionHeads: 32,
});
const tensors = new Map<string, SourceTensor>(
  parameterSpecs(config).map((spec) => [
    spec.name,
    { name: spec.name, shape: spec.shape, format: 'bf16', path: '/models/llama-7b' },
  ]),
);
const source: WeightSource = {
  path: '/models/llama-7b',
  names: [...tensors.keys()],
  tensor: (name) => tensors.get(name),
  readBytes: () => Promise.reject(new Error('not read')),
  readValues: () => Promise.reject(new Error('not read')),
  close: async () => {},
};
const GiB = 2 ** 30;

describe('planning a load', () => {
  it('keeps the stored format by default and holds every 2-D weight in the engine', () => {
    const plan = planWeights({ source, config, backend: 'wasm' });
    const embed = plan.entries.find((entry) => entry.spec.name === 'model.embed_tokens.weight')!;
    expect(embed).toMatchObject({ format: 'bf16', holder: 'stored', bytes: 49953 * 4096 * 2 });
    expect(
      plan.entries.filter((entry) => entry.holder === 'tensor').every((e) => e.spec.shape.length === 1),
    ).toBe(true);
    expect(plan.bytes / GiB).toBeCloseTo(12.85, 1);
    // Q4_0: 18 bytes per 32 values.
    expect(planWeights({ source, config, backend: 'wasm', dtype: 'q4_0' }).bytes / GiB).toBeCloseTo(3.62, 1);
  });

  it('f32 weights that would crowd the wasm heap go to the engine; on cpu they stay tfjs variables', () => {
    const wasm = planWeights({ source, config, backend: 'wasm', dtype: 'f32' });
    expect(wasm.entries.every((entry) => entry.holder === 'stored' || entry.spec.shape.length === 1)).toBe(
      true,
    );
    const cpu = planWeights({ source, config, backend: 'cpu', dtype: 'f32' });
    expect(cpu.entries.every((entry) => entry.holder === 'tensor')).toBe(true);
  });

  it('refuses before allocating when the model cannot fit, naming both sizes and a format that fits', () => {
    const options = { source, config, backend: 'wasm' };
    const { bytes } = planWeights(options);
    const error = (() => {
      try {
        checkMemory(options, bytes, 8 * GiB);
      } catch (caught) {
        return caught as MemoryError;
      }
    })();
    expect(error).toBeInstanceOf(MemoryError);
    expect(error!.suggestion).toBe('q8_0');
    expect(error!.message).toMatch(
      /\/models\/llama-7b: the model needs 13\.1\d GiB \(\d+ bytes\) but 8\.00 GiB are available; load it with dtype "q8_0"/,
    );
    expect(() => checkMemory(options, bytes, 2 * GiB)).toThrow(/no smaller weight format fits/);
    expect(() => checkMemory(options, bytes, 16 * GiB)).not.toThrow();
  });
});
