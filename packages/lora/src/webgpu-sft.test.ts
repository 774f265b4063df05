/**
 * A few SFT steps on the webgpu backend give the wasm engine's losses within 1e-4 and its gradient norms within
 * 1e-4 relative (issue 16's bar): LoRA on a float32 base, LoRA on a Q8_0 base held by the engine (gradients
 * through the stored weights' WGSL kernels), and full fine-tuning of every weight. Skipped, with the reason
 * printed, without the optional `webgpu` packages or a WebGPU adapter.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend, type WeightFormat } from '@lawgpt/engine';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { webgpuUnavailable } from '@lawgpt/test-helpers/webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { createLoraConfig } from './adapter-config.js';
import { createLoraAdapter } from './lora-adapter.js';
import { trainCausalLm } from './trainer.js';
import type { TrainingExample } from './training-data.js';

const BOUND = 1e-4;

const reason = await webgpuUnavailable('webgpu-sft.test');

const config = createLlamaConfig({
  vocabSize: 48,
  hiddenSize: 32,
  intermediateSize: 64,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  maxPositionEmbeddings: 64,
});

// Four fixed sequences; the prompt half is masked as in SFT.
const examples: TrainingExample[] = Array.from({ length: 4 }, (_, row) => {
  const inputIds = Array.from({ length: 10 }, (_, t) => 3 + ((row * 7 + t * 5) % 45));
  return { inputIds, labels: inputIds.map((id, t) => (t < 4 ? -100 : id)) };
});

type Run = { dtype: WeightFormat; lora: boolean };

/** Loss and gradient norm (before clipping) of each of 4 steps on `backend`. */
async function train(backend: 'wasm' | 'webgpu', { dtype, lora }: Run) {
  const model = await createRandomModel(config, { seed: 3, backend, dtype });
  const loraConfig = createLoraConfig({
    r: 4,
    loraAlpha: 8,
    targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  });
  const adapter = lora ? createLoraAdapter({ model, config: loraConfig, seed: 1 }) : undefined;
  const outputDir = await mkdtemp(join(tmpdir(), `webgpu-sft-${backend}-`));
  const gradNorms: number[] = [];
  try {
    const result = await trainCausalLm({
      model,
      adapter,
      examples,
      outputDir,
      batchSize: 2,
      maxSteps: 4,
      learningRate: lora ? 2e-2 : 5e-3,
      saveEvery: 100,
      onProgress: ({ gradNorm }) => gradNorms.push(gradNorm),
    });
    return { losses: result.history.map((entry) => entry.loss), gradNorms };
  } finally {
    model.dispose();
    await rm(outputDir, { recursive: true, force: true });
  }
}

describe.skipIf(reason !== undefined)('SFT on webgpu', () => {
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  const runs: Array<[string, Run]> = [
    ['LoRA, f32 base', { dtype: 'f32', lora: true }],
    ['LoRA, q8_0 base', { dtype: 'q8_0', lora: true }],
    ['full fine-tuning', { dtype: 'f32', lora: false }],
  ];
  for (const [name, run] of runs) {
    it(`${name}: 4 steps give the wasm engine's losses within ${BOUND} and grad norms within ${BOUND} relative`, async () => {
      const want = await train('wasm', run);
      const got = await train('webgpu', run);
      expect(got.losses).toHaveLength(4);
      expect(got.gradNorms).toHaveLength(4);
      const lossDiff = Math.max(...got.losses.map((loss, i) => Math.abs(loss - want.losses[i]!)));
      const normDiff = Math.max(
        ...got.gradNorms.map((norm, i) => Math.abs(norm - want.gradNorms[i]!) / want.gradNorms[i]!),
      );
      console.log(
        `[webgpu] SFT ${name}: losses ${got.losses.map((l) => l.toFixed(6)).join(', ')}; ` +
          `max |Δloss| ${lossDiff.toExponential(2)}, max grad-norm Δ ${normDiff.toExponential(2)} relative`,
      );
      expect(lossDiff).toBeLessThan(BOUND);
      expect(normDiff).toBeLessThan(BOUND);
      expect(got.losses[3]!).not.toBe(got.losses[0]!);
    });
  }
});
