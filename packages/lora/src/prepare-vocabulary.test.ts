import { createLlamaConfig, createRandomModel, type LlamaModel } from '@lawgpt/llama-core';
import { describe, expect, it } from 'vitest';
import { prepareVocabulary } from './prepare-vocabulary.js';

const HIDDEN = 8;

const tinyModel = (tieWordEmbeddings: boolean) =>
  createRandomModel(
    createLlamaConfig({
      vocabSize: 40,
      hiddenSize: HIDDEN,
      intermediateSize: 16,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      tieWordEmbeddings,
    }),
    { seed: 4, backend: 'cpu' },
  );

/** Mean of the rows of an HF-layout [rows, HIDDEN] matrix, in float64. */
function meanRow(values: Float32Array, rows: number): number[] {
  const mean = new Array<number>(HIDDEN).fill(0);
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < HIDDEN; column++) mean[column] += values[row * HIDDEN + column] / rows;
  return mean;
}

async function expectGrown(model: LlamaModel, name: string, old: Float32Array, from: number, to: number) {
  const grown = await model.readParameter(name);
  expect(grown).toHaveLength(to * HIDDEN);
  expect(grown.subarray(0, from * HIDDEN)).toEqual(old);
  const mean = meanRow(old, from);
  for (let row = from; row < to; row++)
    for (let column = 0; column < HIDDEN; column++)
      expect(grown[row * HIDDEN + column]).toBeCloseTo(mean[column], 6);
}

describe('prepareVocabulary', () => {
  it('grows embed_tokens and lm_head to an extended tokenizer (new rows = mean) and saves both', async () => {
    const model = await tinyModel(false);
    const embedding = await model.readParameter('model.embed_tokens.weight');
    const head = await model.readParameter('lm_head.weight');
    const asked = ['q_proj_extra', 'model.embed_tokens'];
    const prepared = await prepareVocabulary({ model, tokenizer: { vocabSize: 43 }, modulesToSave: asked });
    expect(prepared.resized).toEqual({ from: 40, to: 43 });
    expect(model.config.vocabSize).toBe(43);
    // the caller's spelling of embed_tokens counts: it is not added twice; the caller's list is not modified
    expect(prepared.modulesToSave).toEqual(['q_proj_extra', 'model.embed_tokens', 'lm_head']);
    expect(asked).toEqual(['q_proj_extra', 'model.embed_tokens']);
    await expectGrown(model, 'model.embed_tokens.weight', embedding, 40, 43);
    await expectGrown(model, 'lm_head.weight', head, 40, 43);
    model.dispose();
  });

  it('saves only embed_tokens when lm_head is tied to it', async () => {
    const model = await tinyModel(true);
    const prepared = await prepareVocabulary({ model, tokenizer: { vocabSize: 41 } });
    expect(prepared).toEqual({ resized: { from: 40, to: 41 }, modulesToSave: ['embed_tokens'] });
    expect(model.config.vocabSize).toBe(41);
    model.dispose();
  });

  it('leaves a model with a row for every id (or more) as it is', async () => {
    const model = await tinyModel(false);
    const before = await model.readParameter('model.embed_tokens.weight');
    for (const vocabSize of [40, 32]) {
      const prepared = await prepareVocabulary({
        model,
        tokenizer: { vocabSize },
        modulesToSave: ['lm_head'],
      });
      expect(prepared).toEqual({ modulesToSave: ['lm_head'] });
    }
    expect(model.config.vocabSize).toBe(40);
    expect(await model.readParameter('model.embed_tokens.weight')).toEqual(before);
    model.dispose();
  });
});
