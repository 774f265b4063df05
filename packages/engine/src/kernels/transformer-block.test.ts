import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from './internal/native-addon.js';
import { createTransformerBlock } from './internal/transformer-block.js';
import { type KernelEngine, useKernels } from './use-kernels.js';

const SIZES = { hidden: 64, heads: 4, seq: 24, batch: 2, intermediate: 96 };

/** Loss and every weight gradient of one block step with `engine` installed. */
function step(engine: KernelEngine): Record<string, Float32Array> {
  const state = useKernels({ engine, threads: 2 });
  expect(state.engine).toBe(engine);
  const block = createTransformerBlock(SIZES, 11);
  const { loss, grads } = block.step();
  const out: Record<string, Float32Array> = { loss: loss.dataSync() as Float32Array };
  for (const [name, grad] of Object.entries(grads)) out[name] = grad.dataSync() as Float32Array;
  tf.dispose([loss, ...Object.values(grads)]);
  block.dispose();
  return out;
}

describe('a transformer block forward + backward agrees across engines', () => {
  let stock: Record<string, Float32Array>;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    stock = step('stock');
  });
  afterAll(() => {
    useKernels({ engine: 'stock' });
  });

  const engines: KernelEngine[] = loadNativeAddon().addon ? ['wasm', 'native'] : ['wasm'];
  for (const engine of engines) {
    it(`${engine} (matMul + RMSNorm + RoPE kernels) matches stock tfjs on loss and all 9 gradients`, () => {
      const ours = step(engine);
      expect(Object.keys(ours).sort()).toEqual(Object.keys(stock).sort());
      expect(Object.keys(ours)).toHaveLength(10);
      for (const [name, values] of Object.entries(ours)) {
        const reference = stock[name]!;
        const scale = reference.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
        let worst = 0;
        for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - reference[i]!));
        expect(worst / scale, name).toBeLessThan(1e-4);
      }
    });
  }
});
