import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from './config.js';
import { ConfigError, WeightError } from './errors.js';
import { loadModel } from './load.js';
import type { LlamaModel } from './model.js';
import { createRandomModel } from './random-model.js';
import { resizeTokenEmbeddings } from './resize-token-embeddings.js';
import { readSafetensors } from './safetensors/reader.js';
import { writeSafetensors } from './safetensors/writer.js';

const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-model-'));

async function logitsOf(model: LlamaModel, ids: number[][]): Promise<Float32Array> {
  const logits = model.forward(ids);
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  return values;
}

describeWithShared('load, save, resize (s1)', ['fixtures/models/s1/model'], () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await loadModel(sharedPath('fixtures/models/s1/model'));
  });
  afterAll(() => model?.dispose());

  it('saves HF layout (sharded when asked) that reloads to identical logits and tensors', async () => {
    const out = join(scratch, 'saved');
    const files = await model.save(out, { maxShardSize: 200_000 });
    expect(files).toContain('model.safetensors.index.json');
    const progress: number[] = [];
    const reloaded = await loadModel(out, {
      onProgress: (step) => progress.push(step.bytes / step.totalBytes),
    });
    expect(progress).toHaveLength(2 + 2 * 9 + 1);
    expect(progress.at(-1)).toBe(1);
    const aborted = new AbortController();
    aborted.abort();
    await expect(loadModel(out, { signal: aborted.signal })).rejects.toThrow();
    const ids = [[1, 7, 300, 42, 5]];
    expect(Array.from(await logitsOf(reloaded, ids))).toEqual(Array.from(await logitsOf(model, ids)));
    reloaded.dispose();
    const original = (await readSafetensors(sharedPath('fixtures/models/s1/model/model.safetensors')))
      .tensors;
    const single = join(scratch, 'single');
    await model.save(single);
    const written = (await readSafetensors(join(single, 'model.safetensors'))).tensors;
    for (const [name, tensor] of original) {
      expect(written.get(name)!.shape, name).toEqual(tensor.shape);
      expect(Buffer.from(written.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer)), name).toBe(
        true,
      );
    }
    const config = JSON.parse(readFileSync(join(single, 'config.json'), 'utf8'));
    expect(config.hidden_size).toBe(64);
    expect(config.rms_norm_eps).toBe(1e-6);
  });

  it('names the tensor whose shape does not match config.json, and the config field at fault', async () => {
    const bad = join(scratch, 'bad');
    cpSync(sharedPath('fixtures/models/s1/model'), bad, { recursive: true });
    const config = JSON.parse(readFileSync(join(bad, 'config.json'), 'utf8'));
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...config, intermediate_size: 170 }));
    const error = await loadModel(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeightError);
    expect((error as WeightError).tensor).toBe('model.layers.0.mlp.gate_proj.weight');
    expect((error as Error).message).toMatch(/\[170, 64\].*\[172, 64\]/);
    writeFileSync(
      join(bad, 'config.json'),
      JSON.stringify({ ...config, rope_scaling: { type: 'yarn', factor: 2 } }),
    );
    await expect(loadModel(bad)).rejects.toBeInstanceOf(ConfigError);
    writeFileSync(join(bad, 'config.json'), '{"vocab_size": 512,');
    await expect(loadModel(bad)).rejects.toThrow(/config.json: field "\(json\)"/);
  });

  it('reports a missing and an unexpected tensor by name', async () => {
    const partial = join(scratch, 'partial');
    const { tensors } = await readSafetensors(sharedPath('fixtures/models/s1/model/model.safetensors'));
    cpSync(sharedPath('fixtures/models/s1/model/config.json'), join(partial, 'config.json'));
    const sources = [...tensors].map(([name, tensor]) => ({ name, shape: tensor.shape, data: tensor.data }));
    await writeSafetensors(
      join(partial, 'model.safetensors'),
      sources.filter((source) => source.name !== 'model.norm.weight'),
    );
    await expect(loadModel(partial)).rejects.toThrow(
      /tensor "model.norm.weight" expected shape \[64\], got missing/,
    );
    await writeSafetensors(join(partial, 'model.safetensors'), [
      ...sources,
      { name: 'extra.weight', shape: [1], data: Float32Array.of(1) },
    ]);
    await expect(loadModel(partial)).rejects.toThrow(/tensor "extra.weight" expected absent/);
  });

  it('resizes the vocabulary with mean rows in embed_tokens and lm_head, old logits unchanged', async () => {
    const copy = await loadModel(sharedPath('fixtures/models/s1/model'));
    const before = await logitsOf(copy, [[3, 4, 5]]);
    await resizeTokenEmbeddings(copy, 520);
    expect(copy.config.vocabSize).toBe(520);
    const after = await logitsOf(copy, [[3, 4, 519]]);
    const again = await logitsOf(copy, [[3, 4, 5]]);
    for (let j = 0; j < 512; j++) expect(again[j]).toBe(before[j]);
    expect(after.length).toBe(3 * 520);
    const embed = copy.parameter('model.embed_tokens.weight');
    const mean = tf.tidy(() => tf.mean(tf.slice(embed, [0, 0], [512, 64]), 0).dataSync());
    const row = tf.tidy(() => tf.slice(embed, [515, 0], [1, 64]).dataSync());
    expect(Array.from(row)).toEqual(Array.from(mean));
    const head = copy.parameter('lm_head.weight'); // [in, out] = [64, 520]
    const headMean = tf.tidy(() => tf.mean(tf.slice(head, [0, 0], [64, 512]), 1).dataSync());
    const headRow = tf.tidy(() => tf.slice(head, [0, 519], [64, 1]).dataSync());
    expect(Array.from(headRow)).toEqual(Array.from(headMean));
    copy.dispose();
  });

  it('calls the linear hook for every linear module by HF name, and its output is used', async () => {
    const names: string[] = [];
    const plain = await logitsOf(model, [[1, 2, 3]]);
    const identity = model.forward([[1, 2, 3]], {
      linearHook: (name, _x, y) => {
        names.push(name);
        return y;
      },
    });
    expect(Array.from(await identity.data())).toEqual(Array.from(plain));
    identity.dispose();
    expect(names).toContain('model.layers.1.self_attn.q_proj');
    expect(names).toContain('model.layers.0.mlp.down_proj');
    expect(names.at(-1)).toBe('lm_head');
    expect(names).toHaveLength(2 * 7 + 1);
    model.linearHook = (name, _x, y) => (name === 'lm_head' ? tf.add(y, 1) : y);
    const shifted = await logitsOf(model, [[1, 2, 3]]);
    model.linearHook = undefined;
    expect(shifted[10] - plain[10]).toBeCloseTo(1, 5);
  });
});

describe('random and tied models', () => {
  it('creates the same model from the same seed, ties lm_head to embed_tokens, saves without lm_head', async () => {
    const config = createLlamaConfig({
      vocabSize: 50,
      hiddenSize: 16,
      intermediateSize: 32,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      tieWordEmbeddings: true,
    });
    const a = await createRandomModel(config, { seed: 5 });
    const b = await createRandomModel(config, { seed: 5 });
    const logits = await logitsOf(a, [[1, 2, 3]]);
    expect(Array.from(await logitsOf(b, [[1, 2, 3]]))).toEqual(Array.from(logits));
    const out = join(scratch, 'tied');
    await a.save(out);
    const { tensors } = await readSafetensors(join(out, 'model.safetensors'));
    expect(tensors.has('lm_head.weight')).toBe(false);
    const reloaded = await loadModel(out);
    expect(Array.from(await logitsOf(reloaded, [[1, 2, 3]]))).toEqual(Array.from(logits));
    for (const model of [a, b, reloaded]) model.dispose();
  });
});
