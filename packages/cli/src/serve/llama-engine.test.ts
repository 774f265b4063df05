import type { AddressInfo } from 'node:net';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
import { describe, expect, it } from 'vitest';
import { createLlamaEngine } from './llama-engine.js';
import { createOpenAIServer } from './openai-server.js';

describe('OpenAI server over a llama-core model', () => {
  it('serves greedy answers deterministically and seeded samples reproducibly', async () => {
    const tokenizer = createCharacterTokenizer({ texts: ['盗窃公私财物数额较大的处三年以下有期徒刑'] });
    const config = createLlamaConfig({
      vocabSize: tokenizer.vocabSize,
      hiddenSize: 32,
      intermediateSize: 64,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      numKeyValueHeads: 2,
    });
    const model = await createRandomModel(config, { seed: 5, backend: 'cpu' });
    const server = createOpenAIServer({ engine: createLlamaEngine({ model, tokenizer, modelId: 'tiny' }) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/completions`;
    const ask = async (body: object) => {
      const response = await fetch(url, {
        method: 'POST',
        body: JSON.stringify({ prompt: '盗窃', max_tokens: 6, ...body }),
      });
      return (await response.json()) as {
        choices: Array<{ text: string; finish_reason: string }>;
        usage: { completion_tokens: number };
      };
    };
    try {
      const greedy = [await ask({ temperature: 0 }), await ask({ temperature: 0 })];
      expect(greedy[0].choices[0].text).toBe(greedy[1].choices[0].text);
      expect(greedy[0].usage.completion_tokens).toBe(6);
      expect(greedy[0].choices[0].finish_reason).toBe('length');
      const sampled = [await ask({ temperature: 1.5, seed: 3 }), await ask({ temperature: 1.5, seed: 3 })];
      expect(sampled[0].choices[0].text).toBe(sampled[1].choices[0].text);
      const other = await ask({ temperature: 1.5, seed: 4 });
      const differs =
        other.choices[0].text !== sampled[0].choices[0].text ||
        sampled[0].choices[0].text !== greedy[0].choices[0].text;
      expect(differs).toBe(true);
    } finally {
      server.close();
      model.dispose();
    }
  });
});
