import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { causalLmLoss, createLlamaConfig, createRandomModel, type LlamaModel } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createLoraConfig } from './adapter-config.js';
import { loadLoraAdapter } from './adapter-io.js';
import { applyLoraAdapter, createLoraHook } from './apply-adapter.js';
import { createLoraAdapter, type LoraAdapter } from './lora-adapter.js';
import { type TrainOptions, trainCausalLm } from './trainer.js';
import type { TrainingExample } from './training-data.js';

const config = () =>
  createLlamaConfig({
    vocabSize: 48,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    maxPositionEmbeddings: 64,
  });

// Six fixed sequences to memorise; the prompt half is masked as in SFT.
const examples: TrainingExample[] = Array.from({ length: 6 }, (_, row) => {
  const inputIds = Array.from({ length: 10 }, (_, t) => 3 + ((row * 7 + t * 5) % 45));
  return { inputIds, labels: inputIds.map((id, t) => (t < 4 ? -100 : id)) };
});

async function logitsOf(model: LlamaModel, adapter?: LoraAdapter) {
  const logits = model.forward([examples[0].inputIds], { linearHook: adapter && createLoraHook(adapter) });
  const values = Array.from(await logits.data());
  logits.dispose();
  return values;
}

async function setUp(modules: string[] = []) {
  const model = await createRandomModel(config(), { seed: 3, backend: 'cpu' });
  const loraConfig = createLoraConfig({
    r: 4,
    loraAlpha: 8,
    loraDropout: 0,
    targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
    modulesToSave: modules,
  });
  return { model, adapter: createLoraAdapter({ model, config: loraConfig, seed: 1 }) };
}

const base = (outputDir: string): Omit<TrainOptions, 'model'> => ({
  examples,
  outputDir,
  batchSize: 3,
  maxSteps: 8,
  learningRate: 2e-2,
  saveEvery: 2,
});

describe('trainCausalLm', () => {
  it('lowers the loss with LoRA, saves a PEFT adapter that reloads to the same logits', async () => {
    // A random model's lm_head (std 0.02) caps its logits near ±0.6, so the head is trained in full too.
    const { model, adapter } = await setUp(['lm_head']);
    const outputDir = await mkdtemp(join(tmpdir(), 'lora-train-'));
    const result = await trainCausalLm({
      ...base(outputDir),
      model,
      adapter,
      maxSteps: 20,
      schedule: 'constant',
    });
    expect(result.steps).toBe(20);
    // Steps 1–2 and 19–20 each cover the six examples once (two batches of three).
    const epochLoss = (from: number) => (result.history[from].loss + result.history[from + 1].loss) / 2;
    expect(epochLoss(18)).toBeLessThan(epochLoss(0) * 0.8);
    expect(await readdir(outputDir)).toEqual(
      expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors', 'trainer_state.json']),
    );
    const trained = await logitsOf(model, adapter);
    const fresh = await createRandomModel(config(), { seed: 3, backend: 'cpu' });
    await applyLoraAdapter(fresh, await loadLoraAdapter(outputDir, { model: fresh }));
    const reloaded = await logitsOf(fresh);
    expect(Math.max(...trained.map((value, index) => Math.abs(value - reloaded[index])))).toBeLessThan(1e-5);
  });

  it('resumes after an interruption and ends exactly where an uninterrupted run ends', async () => {
    const straight = await setUp(['embed_tokens']);
    await trainCausalLm({ ...base(await mkdtemp(join(tmpdir(), 'lora-a-'))), ...straight });
    const expected = await logitsOf(straight.model, straight.adapter);

    const outputDir = await mkdtemp(join(tmpdir(), 'lora-b-'));
    const first = await setUp(['embed_tokens']);
    const controller = new AbortController();
    const partial = await trainCausalLm({
      ...base(outputDir),
      ...first,
      signal: controller.signal,
      onProgress: ({ step }) => step === 5 && controller.abort(),
    });
    expect(partial).toMatchObject({ aborted: true, steps: 5 });
    // A new process: fresh model and adapter, same options.
    const second = await setUp(['embed_tokens']);
    const resumedSteps: boolean[] = [];
    const rest = await trainCausalLm({
      ...base(outputDir),
      ...second,
      onProgress: (p) => resumedSteps.push(p.resumed),
    });
    expect(rest.steps).toBe(8);
    expect(resumedSteps).toEqual([true, false, false]);
    const actual = await logitsOf(second.model, second.adapter);
    expect(Math.max(...actual.map((value, index) => Math.abs(value - expected[index])))).toBeLessThan(1e-5);
  });

  it('refuses to resume a checkpoint made with other settings', async () => {
    const outputDir = await mkdtemp(join(tmpdir(), 'lora-c-'));
    await trainCausalLm({ ...base(outputDir), ...(await setUp()), maxSteps: 2 });
    await expect(trainCausalLm({ ...base(outputDir), ...(await setUp()), batchSize: 2 })).rejects.toThrow(
      /checkpoint was made with/,
    );
  });

  it('fine-tunes every weight without an adapter and saves an HF model', async () => {
    const model = await createRandomModel(config(), { seed: 3, backend: 'cpu' });
    const outputDir = await mkdtemp(join(tmpdir(), 'full-'));
    const result = await trainCausalLm({ ...base(outputDir), model, maxSteps: 10, learningRate: 5e-3 });
    expect(result.history[9].loss).toBeLessThan(result.history[0].loss);
    expect(await readdir(outputDir)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
  });

  for (const dtype of ['q8_0', 'q4_0', 'bf16'] as const) {
    it(`trains LoRA on a frozen ${dtype} base (QLoRA-style); the adapter is an ordinary PEFT adapter for the f32 model`, async () => {
      const quantized = await createRandomModel(config(), { seed: 3, backend: 'wasm', dtype });
      expect(quantized.weightFormat('model.layers.0.mlp.down_proj.weight')).toBe(dtype);
      const loraConfig = createLoraConfig({
        r: 4,
        loraAlpha: 8,
        loraDropout: 0,
        targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
        modulesToSave: ['lm_head'],
      });
      const adapter = createLoraAdapter({ model: quantized, config: loraConfig, seed: 1 });
      const outputDir = await mkdtemp(join(tmpdir(), `qlora-${dtype}-`));
      const result = await trainCausalLm({
        ...base(outputDir),
        model: quantized,
        adapter,
        maxSteps: 20,
        schedule: 'constant',
      });
      const epochLoss = (from: number) => (result.history[from]!.loss + result.history[from + 1]!.loss) / 2;
      expect(epochLoss(18)).toBeLessThan(epochLoss(0) * 0.8);
      // lm_head (modules_to_save) was unfrozen to f32; the base weights stayed in the engine.
      expect(quantized.weightFormat('lm_head.weight')).toBe('f32');
      expect(quantized.stored.size).toBe(7 * 2 + 1);
      // The saved adapter on the float32 model: the loss it reaches is the quantized run's, within what the
      // quantization of the base moves it.
      const full = await createRandomModel(config(), { seed: 3, backend: 'wasm' });
      const reloaded = await loadLoraAdapter(outputDir, { model: full });
      await applyLoraAdapter(full, reloaded);
      const batch = examples.slice(0, 3);
      const lossOf = (model: LlamaModel, hookAdapter?: LoraAdapter) =>
        tf.tidy(() => {
          const logits = model.forward(
            batch.map((example) => example.inputIds),
            { linearHook: hookAdapter && createLoraHook(hookAdapter) },
          );
          return causalLmLoss(
            logits,
            batch.map((example) => example.labels),
          ).dataSync()[0]!;
        });
      const trained = lossOf(quantized, adapter);
      const onFull = lossOf(full);
      expect(Math.abs(onFull - trained)).toBeLessThan({ bf16: 0.01, q8_0: 0.02, q4_0: 0.2 }[dtype]);
      expect(onFull).toBeLessThan(epochLoss(0) * 0.8);
      quantized.dispose();
      full.dispose();
    });
  }

  it('refuses full fine-tuning of a model whose weights the engine holds frozen', async () => {
    const model = await createRandomModel(config(), { seed: 3, backend: 'wasm', dtype: 'q8_0' });
    await expect(
      trainCausalLm({ ...base(await mkdtemp(join(tmpdir(), 'full-q8-'))), model }),
    ).rejects.toThrow(/full fine-tuning trains every weight, but 16 are frozen q8_0 weights/);
    model.dispose();
  });
});
