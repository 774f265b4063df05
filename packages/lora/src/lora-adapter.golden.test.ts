import { join } from 'node:path';
import { causalLmLoss, type LlamaModel, loadModel } from '@lawgpt/llama-core';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, type GoldenLora, readGolden } from '@lawgpt/test-helpers/golden';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it } from 'vitest';
import { loadLoraAdapter } from './adapter-io.js';
import { applyLoraAdapter, mergeLoraAdapter } from './apply-adapter.js';
import { disposeLoraAdapter, type LoraAdapter } from './lora-adapter.js';
import { loraTensorNames, savedModuleTensorName } from './target-modules.js';

const cases = [
  ['s1', 'lora'],
  ['s2', 'lora'],
  ['s2', 'lora-rslora'],
  ['s2', 'lora-vocab-ext'],
] as const;

let model: LlamaModel | undefined;
let adapter: LoraAdapter | undefined;
afterEach(() => {
  model?.dispose();
  if (adapter) disposeLoraAdapter(adapter);
  model = adapter = undefined;
});

async function setUp(size: string, folder: string) {
  const dir = sharedPath('fixtures/models', size);
  const golden = readGolden(join(dir, 'golden.json')).lora[folder] as GoldenLora;
  model = await loadModel(join(dir, 'model'));
  adapter = await loadLoraAdapter(join(dir, folder), { model });
  return { golden, model, adapter };
}

async function maxLogitDiff(target: LlamaModel, golden: GoldenLora) {
  let worst = 0;
  for (const record of golden.logits) {
    const logits = target.forward(record.input_ids);
    const { maxDiff, argmaxEqual } = compareLogits(
      (await logits.data()) as Float32Array,
      logits.shape[2],
      record,
    );
    logits.dispose();
    expect(argmaxEqual).toBe(true);
    worst = Math.max(worst, maxDiff);
  }
  return worst;
}

describeWithShared('LoRA adapters vs PEFT goldens', ['fixtures/models/s2/golden.json'], () => {
  for (const [size, folder] of cases) {
    it(`${size}/${folder}: unmerged logits within 1e-4, vocabulary ${size === 's2' ? 'as adapter' : ''}`, async () => {
      const { golden, model, adapter } = await setUp(size, folder);
      expect(adapter.modules.values().next().value?.scaling).toBe(golden.scaling);
      await applyLoraAdapter(model, adapter);
      expect(model.config.vocabSize).toBe(golden.vocab_size_with_adapter);
      expect(await maxLogitDiff(model, golden)).toBeLessThan(1e-4);
    });

    it(`${size}/${folder}: merged weights and merged logits match merge_and_unload`, async () => {
      const { golden, model, adapter } = await setUp(size, folder);
      await mergeLoraAdapter(model, adapter);
      expect(model.linearHook).toBeUndefined();
      for (const [name, expected] of Object.entries(golden.merged_weights)) {
        const spec = model.parameterSpec(name);
        const hf = spec.transposed ? tf.transpose(model.parameter(name)) : model.parameter(name);
        const values = (await hf.data()) as Float32Array;
        const [, columns] = expected.shape;
        let sum = 0;
        let squares = 0;
        let proj = 0;
        values.forEach((value, index) => {
          const i = Math.floor(index / columns);
          const j = index % columns;
          sum += value;
          squares += value * value;
          proj += value * (((31 * i + 17 * j) % 11) - 5);
        });
        expect(Math.abs(Math.sqrt(squares) - expected.fro_norm) / expected.fro_norm).toBeLessThan(1e-5);
        expect(Math.abs(sum - expected.sum)).toBeLessThan(1e-4);
        expect(Math.abs(proj - expected.proj)).toBeLessThan(1e-4);
        for (const [key, sample] of Object.entries(expected.samples)) {
          const [i, j] = key.split(',').map(Number);
          expect(Math.abs(values[i * columns + j] - sample)).toBeLessThan(1e-6);
        }
      }
      expect(await maxLogitDiff(model, golden)).toBeLessThan(1e-4);
    });

    it(`${size}/${folder}: loss and gradient norms of the trainable tensors`, async () => {
      const { golden, model, adapter } = await setUp(size, folder);
      await applyLoraAdapter(model, adapter);
      const batch = readGolden(join(sharedPath('fixtures/models', size), 'golden.json')).base.loss;
      const trainable = new Map<string, tf.Variable>();
      for (const module of adapter.modules.values()) {
        const names = loraTensorNames(module.name);
        trainable.set(names.a, module.a);
        trainable.set(names.b, module.b);
      }
      for (const name of adapter.savedWeights.keys()) {
        trainable.set(savedModuleTensorName(name.replace(/\.weight$/, '')), model.parameter(name));
      }
      for (const variable of trainable.values()) variable.trainable = true;
      const { value, grads } = tf.variableGrads(
        () =>
          causalLmLoss(model.forward(batch.input_ids, { attentionMask: batch.attention_mask }), batch.labels),
        [...trainable.values()],
      );
      expect(Math.abs((await value.data())[0] - golden.loss.loss)).toBeLessThan(1e-5);
      const byVariable = new Map([...trainable].map(([name, variable]) => [variable.name, name]));
      const norms: Record<string, number> = {};
      for (const [variableName, gradient] of Object.entries(grads)) {
        norms[byVariable.get(variableName)!] = Math.sqrt((await tf.sum(tf.square(gradient)).data())[0]);
      }
      expect(Object.keys(norms).sort()).toEqual(Object.keys(golden.loss.grad_norms).sort());
      for (const [name, expected] of Object.entries(golden.loss.grad_norms)) {
        expect(Math.abs(norms[name] - expected) / expected, name).toBeLessThan(1e-4);
      }
    });
  }
});
