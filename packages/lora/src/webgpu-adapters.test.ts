/**
 * The shared LoRA fixtures on the webgpu backend against their PEFT goldens, with the bounds the wasm engine's
 * lora-adapter.golden.test.ts holds (issue 16: "LoRA adapters: the same"): unmerged and merged logits within 1e-4
 * with every argmax equal, loss within 1e-5 and the trainable tensors' gradient norms within 1e-4 relative.
 * Skipped, with the reason printed, without the shared fixtures, the optional `webgpu` packages or an adapter.
 */
import { join } from 'node:path';
import { selectBackend } from '@lawgpt/engine';
import { causalLmLoss, type LlamaModel, loadModel } from '@lawgpt/llama-core';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, type GoldenLora, readGolden } from '@lawgpt/test-helpers/golden';
import { webgpuUnavailable } from '@lawgpt/test-helpers/webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLoraAdapter } from './adapter-io.js';
import { applyLoraAdapter, mergeLoraAdapter } from './apply-adapter.js';
import { disposeLoraAdapter } from './lora-adapter.js';
import { loraTensorNames, savedModuleTensorName } from './target-modules.js';

const reason = await webgpuUnavailable('webgpu-adapters.test');

// The wasm test's cases: s1, s2 (sharded), rsLoRA, and an adapter that extends the vocabulary (modules_to_save).
const CASES = [
  ['s1', 'lora'],
  ['s2', 'lora'],
  ['s2', 'lora-rslora'],
  ['s2', 'lora-vocab-ext'],
] as const;

async function maxLogitDiff(model: LlamaModel, golden: GoldenLora): Promise<number> {
  let worst = 0;
  for (const record of golden.logits) {
    const logits = model.forward(record.input_ids);
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

/** Loss of the fixture's batch and the gradient norm of every trainable tensor (PEFT's names). */
async function lossAndNorms(
  model: LlamaModel,
  adapter: Awaited<ReturnType<typeof loadLoraAdapter>>,
  size: string,
) {
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
    () => causalLmLoss(model.forward(batch.input_ids, { attentionMask: batch.attention_mask }), batch.labels),
    [...trainable.values()],
  );
  const loss = (await value.data())[0];
  const byVariable = new Map([...trainable].map(([name, variable]) => [variable.name, name]));
  const norms: Record<string, number> = {};
  for (const [variableName, gradient] of Object.entries(grads)) {
    const square = tf.sum(tf.square(gradient));
    norms[byVariable.get(variableName)!] = Math.sqrt((await square.data())[0]);
  }
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, norms };
}

describeWithShared('LoRA adapters on webgpu vs PEFT goldens', ['fixtures/models/s2/golden.json'], () => {
  describe.skipIf(reason !== undefined)('webgpu', () => {
    afterAll(async () => {
      await selectBackend({ backend: 'wasm' });
    });

    for (const [size, folder] of CASES) {
      it(`${size}/${folder}: unmerged and merged logits within 1e-4, loss within 1e-5, grad norms within 1e-4 relative`, async () => {
        const dir = sharedPath('fixtures/models', size);
        const golden = readGolden(join(dir, 'golden.json')).lora[folder] as GoldenLora;
        const load = async () => {
          const model = await loadModel(join(dir, 'model'), { backend: 'webgpu' });
          expect(model.backend?.name).toBe('webgpu');
          return { model, adapter: await loadLoraAdapter(join(dir, folder), { model }) };
        };
        let { model, adapter } = await load();
        await applyLoraAdapter(model, adapter);
        const unmerged = await maxLogitDiff(model, golden);
        const { loss, norms } = await lossAndNorms(model, adapter, size);
        model.dispose();
        disposeLoraAdapter(adapter);
        ({ model, adapter } = await load());
        await mergeLoraAdapter(model, adapter);
        const merged = await maxLogitDiff(model, golden);
        model.dispose();
        disposeLoraAdapter(adapter);
        const worstNorm = Math.max(
          ...Object.entries(golden.loss.grad_norms).map(
            ([name, want]) => Math.abs(norms[name]! - want) / want,
          ),
        );
        console.log(
          `[webgpu ${size}/${folder}] logits vs PEFT: unmerged ${unmerged.toExponential(2)}, merged ` +
            `${merged.toExponential(2)}; loss Δ ${Math.abs(loss - golden.loss.loss).toExponential(2)}; ` +
            `worst grad-norm relative diff ${worstNorm.toExponential(2)}`,
        );
        expect(unmerged).toBeLessThan(1e-4);
        expect(merged).toBeLessThan(1e-4);
        expect(Math.abs(loss - golden.loss.loss)).toBeLessThan(1e-5);
        expect(Object.keys(norms).sort()).toEqual(Object.keys(golden.loss.grad_norms).sort());
        expect(worstNorm).toBeLessThan(1e-4);
      });
    }
  });
});
