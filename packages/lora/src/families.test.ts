/**
 * LoRA on the Qwen2 / Qwen3 / InternLM2 families: adapters under the module names PEFT writes for each family,
 * q/k/v biases left alone, merge and save. Without PEFT goldens for these fixtures, each adapter is checked against
 * what it must equal: the merged model (W + s·B·A computed here in float64) against the unmerged one, and InternLM2's
 * packed `wqkv` adapter against the same factors split over s2's separate q/k/v modules.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  causalLmLoss,
  checkpointLinears,
  type LlamaModel,
  loadModel,
  readSafetensors,
} from '@lawgpt/llama-core';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { readGolden } from '@lawgpt/test-helpers/golden';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createLoraConfig } from './adapter-config.js';
import { loadLoraAdapter, saveLoraAdapter } from './adapter-io.js';
import { applyLoraAdapter, createLoraHook, mergeLoraAdapter } from './apply-adapter.js';
import { AdapterShapeError } from './errors.js';
import { createLoraAdapter, disposeLoraAdapter, type LoraAdapter } from './lora-adapter.js';

const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-lora-families-'));
const ALL = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
const IDS = [[1, 17, 250, 33, 8, 400, 5, 12]];

/** A fresh adapter whose B factors are non-zero (seeded), so that it moves the logits. */
function randomized(adapter: LoraAdapter, seed: number): LoraAdapter {
  for (const module of adapter.modules.values())
    module.b.assign(tf.randomNormal(module.b.shape, 0, 0.05, 'float32', seed++));
  return adapter;
}

async function logits(model: LlamaModel): Promise<Float32Array> {
  const result = model.forward(IDS);
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index]!)), 0);
}

for (const fixture of ['q2', 'q3'] as const) {
  describeWithShared(`LoRA on ${fixture}`, [`fixtures/models/${fixture}/model`], () => {
    it('saves PEFT tensor names, reloads, and merges to the unmerged logits with the biases untouched', async () => {
      const dir = sharedPath('fixtures/models', fixture, 'model');
      const base = await loadModel(dir);
      const config = createLoraConfig({ r: 4, loraAlpha: 8, targetModules: ALL });
      const adapter = randomized(createLoraAdapter({ model: base, config, seed: 3 }), 11);
      expect(adapter.modules.size).toBe(7 * base.config.numHiddenLayers);
      const adapterDir = join(scratch, `${fixture}-adapter`);
      await saveLoraAdapter(adapter, adapterDir);
      const { tensors } = await readSafetensors(join(adapterDir, 'adapter_model.safetensors'));
      expect(tensors.get('base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight')?.shape).toEqual([
        base.config.numKeyValueHeads * base.config.headDim,
        4,
      ]);
      expect([...tensors.keys()].some((name) => name.includes('bias'))).toBe(false);
      const before = await logits(base);
      const reloaded = await loadLoraAdapter(adapterDir, { model: base });
      await applyLoraAdapter(base, reloaded);
      const unmerged = await logits(base);
      expect(maxDiff(unmerged, before)).toBeGreaterThan(1e-2); // the adapter matters

      const merged = await loadModel(dir);
      const biases = [...merged.parameters.keys()].filter(
        (name) => name.endsWith('.bias') || name.includes('_norm.'),
      );
      expect(biases).toHaveLength(6); // q2: q/k/v biases of 2 layers; q3: q/k norms of 3 layers
      const original = new Map(
        await Promise.all(biases.map(async (name) => [name, await merged.readParameter(name)] as const)),
      );
      const name = 'model.layers.0.self_attn.q_proj';
      const w = await merged.readParameter(`${name}.weight`);
      await mergeLoraAdapter(merged, reloaded);
      for (const [bias, values] of original)
        expect(Array.from(await merged.readParameter(bias)), bias).toEqual(Array.from(values));
      // q_proj: W + 2·B·A in float64 from the saved factors
      const a = tensors.get(`base_model.model.${name}.lora_A.weight`)!;
      const b = tensors.get(`base_model.model.${name}.lora_B.weight`)!;
      const [rows, cols] = [b.shape[0]!, a.shape[1]!];
      const mergedQ = await merged.readParameter(`${name}.weight`);
      let worst = 0;
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          let delta = 0;
          for (let k = 0; k < 4; k++) delta += b.data[i * 4 + k]! * a.data[k * cols + j]!;
          worst = Math.max(worst, Math.abs(mergedQ[i * cols + j]! - (w[i * cols + j]! + 2 * delta)));
        }
      expect(worst).toBeLessThan(1e-6);
      expect(maxDiff(await logits(merged), unmerged)).toBeLessThan(1e-5);
      // the merged model saves in its family's layout (tied q2: no lm_head) and reloads to the same logits
      const out = join(scratch, `${fixture}-merged`);
      await merged.save(out);
      const saved = await loadModel(out);
      expect(saved.config.modelType).toBe(fixture === 'q2' ? 'qwen2' : 'qwen3');
      expect(Array.from(await logits(saved))).toEqual(Array.from(await logits(merged)));
      for (const model of [base, merged, saved]) model.dispose();
      disposeLoraAdapter(adapter);
      disposeLoraAdapter(reloaded);
    });

    it('trains: the loss gradient reaches every A and B factor, not the base weights', async () => {
      const model = await loadModel(sharedPath('fixtures/models', fixture, 'model'));
      const adapter = randomized(
        createLoraAdapter({ model, config: createLoraConfig({ r: 2, targetModules: ['q_proj', 'v_proj'] }) }),
        5,
      );
      const batch = readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base.loss;
      const variables = [...adapter.modules.values()].flatMap((module) => [module.a, module.b]);
      const { value, grads } = tf.variableGrads(
        () =>
          causalLmLoss(
            model.forward(batch.input_ids, {
              attentionMask: batch.attention_mask,
              linearHook: createLoraHook(adapter, { training: true, seed: 1 }),
            }),
            batch.labels,
          ),
        variables,
      );
      expect(Object.keys(grads)).toHaveLength(variables.length);
      for (const gradient of Object.values(grads))
        expect((await tf.sum(tf.abs(gradient)).data())[0]).toBeGreaterThan(0);
      expect(Number.isFinite((await value.data())[0])).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
      disposeLoraAdapter(adapter);
      model.dispose();
    });
  });
}

describeWithShared('LoRA on InternLM2 (s2 packed)', ['fixtures/models/s2/model'], () => {
  it('adapts the packed wqkv as PEFT names it, equal to the same factors split over q/k/v of s2', async () => {
    const llama = await loadModel(sharedPath('fixtures/models/s2/model'));
    // s2 written in InternLM2's layout by llama-core's save (its packing is checked in llama-core's tests)
    llama.config.modelType = 'internlm2';
    const internDir = join(scratch, 'internlm2');
    await llama.save(internDir);
    llama.config.modelType = 'llama';
    const intern = await loadModel(internDir);
    const targets = ['wqkv', 'wo', 'w1', 'w2', 'w3'];
    const adapter = randomized(
      createLoraAdapter({
        model: intern,
        config: createLoraConfig({ r: 4, loraAlpha: 8, targetModules: targets }),
      }),
      21,
    );
    const dir = join(scratch, 'internlm2-adapter');
    await saveLoraAdapter(adapter, dir);
    const { tensors } = await readSafetensors(join(dir, 'adapter_model.safetensors'));
    expect(tensors.get('base_model.model.model.layers.0.attention.wqkv.lora_B.weight')?.shape).toEqual([
      160, 4,
    ]);
    expect(tensors.has('base_model.model.model.layers.2.feed_forward.w2.lora_A.weight')).toBe(true);

    // The same adapter on s2's own modules: one q/k/v adapter each, sharing A, with B's wqkv rows split.
    const split = createLoraAdapter({
      model: llama,
      config: createLoraConfig({ r: 4, loraAlpha: 8, targetModules: ALL }),
    });
    const renamed: Record<string, string> = {
      wo: 'self_attn.o_proj',
      w1: 'mlp.gate_proj',
      w3: 'mlp.up_proj',
      w2: 'mlp.down_proj',
    };
    for (const linear of checkpointLinears(intern.config)) {
      const packed = adapter.modules.get(linear.name)!;
      const bT = (await packed.b.data()) as Float32Array; // [rank, out]
      for (const { module, ranges } of linear.parts) {
        const target = split.modules.get(module)!;
        target.a.assign(packed.a);
        const columns = ranges.flatMap(([first, count]) =>
          Array.from({ length: count }, (_, c) => first + c),
        );
        const sub = new Float32Array(4 * columns.length);
        const width = packed.b.shape[1]!;
        for (let k = 0; k < 4; k++) {
          for (const [c, column] of columns.entries()) sub[k * columns.length + c] = bT[k * width + column]!;
        }
        target.b.assign(tf.tensor2d(sub, [4, columns.length]));
      }
      const short = linear.name.split('.').at(-1)!;
      if (short !== 'wqkv') expect(linear.parts[0]!.module.endsWith(renamed[short]!)).toBe(true);
    }
    const reloaded = await loadLoraAdapter(dir, { model: intern });
    await applyLoraAdapter(intern, reloaded);
    await applyLoraAdapter(llama, split);
    const ours = await logits(intern);
    expect(maxDiff(ours, await logits(llama))).toBeLessThan(1e-5);
    await mergeLoraAdapter(intern, reloaded);
    expect(maxDiff(await logits(intern), ours)).toBeLessThan(1e-5);
    for (const model of [llama, intern]) model.dispose();
    for (const each of [adapter, split, reloaded]) disposeLoraAdapter(each);
  });
});

describe('LoRA target modules by family', () => {
  it("names the family's modules when target_modules match none", async () => {
    const { createLlamaConfig, createRandomModel } = await import('@lawgpt/llama-core');
    const model = await createRandomModel(
      createLlamaConfig({
        modelType: 'internlm2',
        vocabSize: 300,
        hiddenSize: 32,
        intermediateSize: 64,
        numHiddenLayers: 1,
        numAttentionHeads: 4,
        numKeyValueHeads: 2,
      }),
    );
    const error = (() => {
      try {
        createLoraAdapter({ model, config: createLoraConfig({ targetModules: ['q_proj', 'v_proj'] }) });
      } catch (caught) {
        return caught as AdapterShapeError;
      }
    })();
    expect(error).toBeInstanceOf(AdapterShapeError);
    expect(error?.message).toContain(
      'internlm2 models have attention.wqkv, attention.wo, feed_forward.w1, feed_forward.w3, feed_forward.w2',
    );
    expect(() =>
      createLoraAdapter({
        model,
        config: createLoraConfig({ targetModules: ['wqkv'], modulesToSave: ['tok_embeddings'] }),
      }),
    ).toThrow(/modules_to_save/);
    model.dispose();
  });
});
