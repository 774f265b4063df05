import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { readGolden } from '@lawgpt/test-helpers/golden';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadModel } from '../load.js';
import type { LlamaModel } from '../model.js';
import { generate } from './generate.js';
import { generateBatch } from './generate-batch.js';

describeWithShared('generateBatch (s2)', ['fixtures/models/s2/model'], () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await loadModel(sharedPath('fixtures/models/s2/model'));
  });
  afterAll(() => model?.dispose());

  it('gives each left-padded row the greedy continuation it gets alone, and frees everything', async () => {
    const { greedy } = readGolden(sharedPath('fixtures/models/s2/golden.json')).base;
    const prompts = [greedy.prompt, [1, 40], [1, 7, 300, 9, 41, 600, 12, 5], greedy.prompt.slice(0, 3)];
    const before = tf.memory().numTensors;
    const results = await generateBatch({ model, inputIds: prompts, maxNewTokens: 10, eosTokenId: [] });
    expect(tf.memory().numTensors).toBe(before);
    expect(results[0].tokenIds).toEqual(greedy.new_tokens.slice(0, 10));
    for (const [index, prompt] of prompts.entries()) {
      const alone: number[] = [];
      for await (const chunk of generate({ model, inputIds: prompt, maxNewTokens: 10, eosTokenId: [] })) {
        alone.push(...chunk.tokenIds);
      }
      expect(results[index].tokenIds).toEqual(alone);
      expect(results[index].finishReason).toBe('length');
    }
  });

  it('drops rows that finish early (EOS) and keeps decoding the others', async () => {
    const { greedy } = readGolden(sharedPath('fixtures/models/s2/golden.json')).base;
    const eos = greedy.new_tokens[2];
    const results = await generateBatch({
      model,
      inputIds: [greedy.prompt, [1, 40, 41]],
      maxNewTokens: 6,
      eosTokenId: eos,
    });
    expect(results[0].tokenIds).toEqual(greedy.new_tokens.slice(0, 3));
    expect(results[0].finishReason).toBe('eos');
    const alone: number[] = [];
    for await (const chunk of generate({ model, inputIds: [1, 40, 41], maxNewTokens: 6, eosTokenId: eos })) {
      alone.push(...chunk.tokenIds);
    }
    expect(results[1].tokenIds).toEqual(alone);
  });
});
