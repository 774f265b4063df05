import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { readGolden } from '@lawgpt/test-helpers/golden';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from '../config.js';
import { loadModel } from '../load.js';
import type { LlamaModel } from '../model.js';
import { createRandomModel } from '../random-model.js';
import { generate } from './generate.js';
import type { GenerateChunk, GenerateOptions } from './generate-options.js';
import type { TextTokenizer } from './text-tokenizer.js';

async function collect(options: GenerateOptions): Promise<GenerateChunk[]> {
  const chunks: GenerateChunk[] = [];
  for await (const chunk of generate(options)) chunks.push(chunk);
  return chunks;
}

for (const fixture of ['s1', 's2']) {
  describeWithShared(`greedy generation ${fixture}`, [`fixtures/models/${fixture}/model`], () => {
    let model: LlamaModel;
    beforeAll(async () => {
      model = await loadModel(sharedPath('fixtures/models', fixture, 'model'));
    });
    afterAll(() => model?.dispose());

    it('reproduces the golden 24-token greedy continuation exactly', async () => {
      const { greedy } = readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base;
      const chunks = await collect({
        model,
        inputIds: greedy.prompt,
        maxNewTokens: greedy.max_new_tokens,
        eosTokenId: [],
      });
      expect(chunks.flatMap((chunk) => chunk.tokenIds)).toEqual(greedy.new_tokens);
      expect(chunks.at(-1)!.finishReason).toBe('length');
      expect(chunks.slice(0, -1).every((chunk) => chunk.finishReason === undefined)).toBe(true);
    });

    it('beam search with one beam equals greedy; more beams find a sequence at least as likely', async () => {
      const { greedy } = readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base;
      const one = await collect({
        model,
        inputIds: greedy.prompt,
        maxNewTokens: 6,
        eosTokenId: [],
        numBeams: 1,
      });
      expect(one.flatMap((chunk) => chunk.tokenIds)).toEqual(greedy.new_tokens.slice(0, 6));
      const [beam] = await collect({
        model,
        inputIds: greedy.prompt,
        maxNewTokens: 6,
        eosTokenId: [],
        numBeams: 4,
      });
      expect(beam.tokenIds).toHaveLength(6);
      expect(await sequenceLogProb(model, greedy.prompt, beam.tokenIds)).toBeGreaterThanOrEqual(
        (await sequenceLogProb(model, greedy.prompt, greedy.new_tokens.slice(0, 6))) - 1e-5,
      );
    });
  });
}

async function sequenceLogProb(model: LlamaModel, prompt: number[], tokens: number[]): Promise<number> {
  const logits = model.forward([[...prompt, ...tokens]]);
  const values = (await tf.logSoftmax(logits).data()) as Float32Array;
  logits.dispose();
  const vocab = model.config.vocabSize;
  return tokens.reduce((sum, token, i) => sum + values[(prompt.length - 1 + i) * vocab + token], 0);
}

describe('generation on a random model', () => {
  let model: LlamaModel;
  const config = createLlamaConfig({
    vocabSize: 300,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    maxPositionEmbeddings: 512,
  });
  beforeAll(async () => {
    model = await createRandomModel(config, { seed: 3, std: 0.5 });
  });
  afterAll(() => model?.dispose());

  it('does not leak tensors over 100 generated tokens', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    for await (const _chunk of generate({
      model,
      inputIds: [1, 5, 9],
      maxNewTokens: 100,
      eosTokenId: [],
      doSample: true,
    })) {
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toHaveLength(100);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    for await (const chunk of generate({ model, inputIds: [1, 5], maxNewTokens: 50, numBeams: 1 })) {
      if (chunk.tokenIds.length > 0) break; // abandoning the iteration frees the cache too
    }
    expect(tf.memory().numTensors).toBe(before);
    await collect({ model, inputIds: [1, 5], maxNewTokens: 5, numBeams: 3, eosTokenId: [] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible with a seed and varies across seeds', async () => {
    const run = async (seed: number) =>
      (
        await collect({ model, inputIds: [1, 2], maxNewTokens: 20, temperature: 1.5, seed, eosTokenId: [] })
      ).flatMap((chunk) => chunk.tokenIds);
    expect(await run(11)).toEqual(await run(11));
    expect(await run(11)).not.toEqual(await run(12));
  });

  it('stops at EOS, at a stop string, and streams whole characters', async () => {
    const tokenizer: TextTokenizer = {
      encode: (text) => [1, ...Array.from(new TextEncoder().encode(text)).map((byte) => byte + 3)],
      decode: (ids) =>
        new TextDecoder().decode(Uint8Array.from(ids.filter((id) => id >= 3).map((id) => (id - 3) % 256))),
      eosId: 2,
    };
    const forced = (tokens: number[]) => (ids: number[], logits: Float32Array) => {
      const next = tokens[ids.length - 3] ?? 2;
      logits.fill(-Infinity);
      logits[next] = 0;
      return logits;
    };
    const bytes = Array.from(new TextEncoder().encode('刑法第一条')).map((byte) => byte + 3);
    const chunks = await collect({
      model,
      tokenizer,
      prompt: 'ab',
      maxNewTokens: 50,
      logitsProcessors: [forced(bytes)],
    });
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('刑法第一条');
    expect(chunks.every((chunk) => !chunk.text.includes('\uFFFD'))).toBe(true);
    expect(chunks.at(-1)!.finishReason).toBe('eos');
    expect(chunks.at(-1)!.tokenIds).toEqual([2]);

    const stopped = await collect({
      model,
      tokenizer,
      prompt: 'ab',
      maxNewTokens: 50,
      stopStrings: ['第一'],
      logitsProcessors: [forced(bytes)],
    });
    expect(stopped.map((chunk) => chunk.text).join('')).toBe('刑法');
    expect(stopped.at(-1)!.finishReason).toBe('stop');
  });
});
