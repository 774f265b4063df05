import { createLlamaConfig, createRandomModel, generate, tokenLogProbs } from '@lawgpt/llama-core';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
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

  it("scores a text with llama-core's tokenLogProbs over its ids with BOS (the maths is tested there)", async () => {
    const text = '盗窃罪';
    const ids = tokenizer.encode(text, { addBos: true });
    expect(ids[0]).toBe(tokenizer.bosId);
    const values = await generator.logProbs(text);
    expect(values).toHaveLength(ids.length - 1);
    expect(values).toEqual(await tokenLogProbs({ model, inputIds: ids }));
    expect(values.every((value) => value < 0)).toBe(true);
  });
});
