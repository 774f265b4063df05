import { createLlamaConfig, createRandomModel, type LlamaModel } from '@lawgpt/llama-core';
import { alpacaChineseTemplate, toChatTemplate } from '@lawgpt/lora';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionChunk, CompletionEngine, CompletionRequest } from './completion-engine.js';
import { createLlamaEngine } from './llama-engine.js';
import { TINY_TEXTS } from './tiny-model.test-helpers.js';

let model: LlamaModel;
let engine: CompletionEngine;
const tokenizer = createCharacterTokenizer({ texts: TINY_TEXTS });

beforeAll(async () => {
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    maxPositionEmbeddings: 128,
  });
  model = await createRandomModel(config, { seed: 5, backend: 'cpu' });
  engine = createLlamaEngine({
    model,
    tokenizer,
    chatTemplate: toChatTemplate(alpacaChineseTemplate),
    modelId: 'tiny',
  });
});
afterAll(() => model?.dispose());

const base: CompletionRequest = {
  prompt: '盗窃',
  maxTokens: 6,
  temperature: 0,
  topP: 1,
  topK: 0,
  repetitionPenalty: 1,
  numBeams: 1,
  stop: [],
};

async function answer(request: Partial<CompletionRequest>) {
  const completion = await engine.complete({ ...base, ...request });
  let text = '';
  let last: CompletionChunk | undefined;
  for await (const chunk of completion.chunks) {
    text += chunk.text;
    last = chunk;
  }
  return { text, last: last!, completion };
}

describe('createLlamaEngine', () => {
  it('answers greedily the same each time, and seeded samples reproducibly', async () => {
    const greedy = [await answer({}), await answer({})];
    expect(greedy[0]!.text).toBe(greedy[1]!.text);
    expect(greedy[0]!.last).toMatchObject({
      finishReason: 'length',
      usage: { promptTokens: tokenizer.encode('盗窃', { addBos: true }).length, completionTokens: 6 },
    });
    const sampled = [
      await answer({ temperature: 1.5, seed: 3 }),
      await answer({ temperature: 1.5, seed: 3 }),
    ];
    expect(sampled[0]!.text).toBe(sampled[1]!.text);
    const others = await Promise.all([4, 5, 6].map((seed) => answer({ temperature: 1.5, seed })));
    expect(new Set([sampled[0]!.text, ...others.map((other) => other.text)]).size).toBeGreaterThan(1);
  });

  it('frames chats with the template, refuses prompts with no room and caps max_tokens', async () => {
    const chat = await answer({ prompt: undefined, messages: [{ role: 'user', content: '盗窃' }] });
    // BOS + the alpaca-zh preamble and markers + 2 characters
    const expected = tokenizer.encode(
      `下面是一条描述任务的指令。请写出恰当完成该请求的回答。\n\n### 指令:\n盗窃\n\n### 回答:\n`,
      { addBos: true },
    );
    expect(chat.completion.promptTokens).toBe(expected.length);
    const full = tokenizer.encode('盗'.repeat(127), { addBos: true }).length;
    expect(full).toBeGreaterThanOrEqual(128);
    await expect(engine.complete({ ...base, prompt: '盗'.repeat(127) })).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      message: expect.stringContaining(
        `maximum context length is 128 tokens. However, your prompt resulted in ${full} tokens`,
      ),
    });
    const room = 128 - tokenizer.encode('盗'.repeat(120), { addBos: true }).length;
    const capped = await answer({ prompt: '盗'.repeat(120), maxTokens: 50 });
    expect(capped.completion.maxTokens).toBe(room);
    expect(capped.last.usage!.completionTokens).toBeLessThanOrEqual(room);
    expect(() =>
      createLlamaEngine({ model, tokenizer, chatTemplate: '', modelId: 'x', contextLength: 256 }),
    ).toThrow(/past the model's max_position_embeddings \(128\)/);
  });
});
