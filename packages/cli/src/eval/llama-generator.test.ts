import { createLlamaConfig, createRandomModel, generate } from '@lawgpt/llama-core';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createLlamaGenerator } from './llama-generator.js';

describe('createLlamaGenerator', async () => {
  const tokenizer = createCharacterTokenizer({ texts: ['盗窃罪的构成要件'] });
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 16,
    intermediateSize: 32,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
  });
  const model = await createRandomModel(config, { seed: 2 });
  const generator = createLlamaGenerator({ model, tokenizer });

  it('answers greedily, as generate() with no sampling does', async () => {
    let expected = '';
    for await (const chunk of generate({ model, tokenizer, prompt: '盗窃', maxNewTokens: 5 }))
      expected += chunk.text;
    expect(await generator.generate('盗窃', { maxNewTokens: 5 })).toBe(expected);
  });

  it('gives the log-probability of each next token, matching a manual log-softmax', async () => {
    const text = '盗窃罪';
    const ids = tokenizer.encode(text, { addBos: true });
    const values = await generator.logProbs(text);
    expect(values).toHaveLength(ids.length - 1);
    const logits = model.forward([ids]);
    const rows = (await tf.logSoftmax(logits).array()) as number[][][];
    values.forEach((value, t) => {
      expect(value).toBeCloseTo(rows[0][t][ids[t + 1]], 5);
    });
    logits.dispose();
  });
});
