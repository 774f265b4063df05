import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from '../config.js';
import type { LlamaModel } from '../model.js';
import { createRandomModel } from '../random-model.js';
import { generate } from './generate.js';
import { generateBatch } from './generate-batch.js';
import type { GenerateChunk, GenerateOptions } from './generate-options.js';
import { checkVocabularies, VocabularyMismatchError } from './vocabulary-check.js';

async function collect(options: GenerateOptions): Promise<GenerateChunk[]> {
  const chunks: GenerateChunk[] = [];
  for await (const chunk of generate(options)) chunks.push(chunk);
  return chunks;
}

const base = {
  vocabSize: 64,
  hiddenSize: 16,
  intermediateSize: 32,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  maxPositionEmbeddings: 16,
};

describe('generation at max_position_embeddings', () => {
  let model: LlamaModel;
  let scaled: LlamaModel;
  beforeAll(async () => {
    model = await createRandomModel(createLlamaConfig(base), { seed: 1, std: 0.5 });
    scaled = await createRandomModel(
      createLlamaConfig({ ...base, ropeScaling: { type: 'dynamic', factor: 2 } }),
      { seed: 1, std: 0.5 },
    );
  });
  afterAll(() => {
    model?.dispose();
    scaled?.dispose();
  });

  it('stops at the context length with finish reason "length" and warns once per model', async () => {
    const warnings: string[] = [];
    const onWarning = (message: string) => warnings.push(message);
    // 5 prompt tokens + at most 11 new = 16 positions
    const chunks = await collect({
      model,
      inputIds: [1, 2, 3, 4, 5],
      maxNewTokens: 300,
      eosTokenId: [],
      onWarning,
    });
    expect(chunks.flatMap((chunk) => chunk.tokenIds)).toHaveLength(11);
    expect(chunks.at(-1)!.finishReason).toBe('length');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('max_position_embeddings (16 positions');
    expect(warnings[0]).toContain('allowLongContext');
    expect(warnings[0]).toContain('no RoPE scaling');
    await collect({ model, inputIds: [1, 2, 3], maxNewTokens: 300, eosTokenId: [], onWarning });
    expect(warnings).toHaveLength(1);
    // a budget inside the context is not cut and does not warn
    const short = await collect({
      model: scaled,
      inputIds: [1, 2],
      maxNewTokens: 14,
      eosTokenId: [],
      onWarning,
    });
    expect(short.flatMap((chunk) => chunk.tokenIds)).toHaveLength(14);
    expect(warnings).toHaveLength(1);
  });

  it('a prompt that fills the context gets no token; batches cut each row by its own length', async () => {
    const warnings: string[] = [];
    const onWarning = (message: string) => warnings.push(message);
    const full = Array.from({ length: 16 }, (_, index) => index + 1);
    expect(await collect({ model: scaled, inputIds: full, maxNewTokens: 5, onWarning })).toEqual([
      { text: '', tokenIds: [], finishReason: 'length' },
    ]);
    const results = await generateBatch({
      model: scaled,
      inputIds: [full, [1, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
      maxNewTokens: 10,
      eosTokenId: [],
      onWarning,
    });
    expect(results.map((result) => [result.tokenIds.length, result.finishReason])).toEqual([
      [0, 'length'],
      [10, 'length'],
      [4, 'length'],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('dynamic NTK RoPE scaling, factor 2');
    const beams = await collect({
      model: scaled,
      inputIds: full.slice(0, 13),
      maxNewTokens: 9,
      numBeams: 2,
      eosTokenId: [],
    });
    expect(beams[0].tokenIds).toHaveLength(3);
  });

  it('allowLongContext goes past it, naming the RoPE scaling once', async () => {
    const warnings: string[] = [];
    const options = { inputIds: [1, 2, 3, 4, 5], maxNewTokens: 20, eosTokenId: [], allowLongContext: true };
    const chunks = await collect({ ...options, model: scaled, onWarning: (m) => warnings.push(m) });
    expect(chunks.flatMap((chunk) => chunk.tokenIds)).toHaveLength(20);
    expect(warnings).toEqual([
      'generating past max_position_embeddings (16) as allowLongContext asks, with dynamic NTK RoPE scaling, factor 2',
    ]);
  });
});

describe('checkVocabularies', () => {
  it('refuses a model that can generate ids the tokenizer cannot decode, naming both sizes and the fix', () => {
    const check = () =>
      checkVocabularies({
        tokenizerVocabSize: 500,
        modelVocabSize: 520,
        tokenizer: 'tok.model',
        model: 'm/',
      });
    expect(check).toThrow(VocabularyMismatchError);
    expect(check).toThrow(
      'the model m/ has a vocabulary of 520 ids but the tokenizer tok.model has 500: the model can generate ids 500–519',
    );
    expect(check).toThrow(/Use the tokenizer the model was trained with, or resize the model to 500 ids/);
    expect(() => checkVocabularies({ tokenizerVocabSize: 500, modelVocabSize: 520, resizes: true })).toThrow(
      VocabularyMismatchError,
    );
  });

  it("accepts a model's padding rows (a multiple of 64, < 1024 extra: Qwen's 151,936 for 151,669 ids), and generation never picks them", async () => {
    expect(() => checkVocabularies({ tokenizerVocabSize: 151669, modelVocabSize: 151936 })).not.toThrow();
    expect(() => checkVocabularies({ tokenizerVocabSize: 49953, modelVocabSize: 50944 })).not.toThrow();
    expect(() => checkVocabularies({ tokenizerVocabSize: 32000, modelVocabSize: 49953 })).toThrow(
      VocabularyMismatchError,
    );
    expect(() => checkVocabularies({ tokenizerVocabSize: 31000, modelVocabSize: 32064 })).toThrow(
      VocabularyMismatchError,
    );
    const model = await createRandomModel(createLlamaConfig(base), { seed: 2 });
    // a tokenizer of 40 ids on a 64-row model: every generated id is below 40, though the argmax often is not
    const tokenizer = {
      vocabSize: 40,
      encode: (text: string) => Array.from(text, (char) => char.charCodeAt(0) % 40),
      decode: (ids: number[]) => ids.map((id) => String.fromCharCode(65 + (id % 26))).join(''),
    };
    const unmasked = await collect({ model, inputIds: [1, 2, 3], maxNewTokens: 24, eosTokenId: [] });
    expect(unmasked.flatMap((chunk) => chunk.tokenIds).some((id) => id >= 40)).toBe(true);
    const masked = await collect({ model, tokenizer, inputIds: [1, 2, 3], maxNewTokens: 24, eosTokenId: [] });
    expect(masked.flatMap((chunk) => chunk.tokenIds).every((id) => id < 40)).toBe(true);
    model.dispose();
  });

  it('refuses a larger tokenizer unless the caller resizes; equal sizes pass', () => {
    expect(() => checkVocabularies({ tokenizerVocabSize: 600, modelVocabSize: 512 })).toThrow(
      /the tokenizer has 600 ids but the model has a vocabulary of 512: ids 512–599 have no embedding/,
    );
    expect(() =>
      checkVocabularies({ tokenizerVocabSize: 600, modelVocabSize: 512, resizes: true }),
    ).not.toThrow();
    expect(() => checkVocabularies({ tokenizerVocabSize: 512, modelVocabSize: 512 })).not.toThrow();
    const error = (() => {
      try {
        checkVocabularies({ tokenizerVocabSize: 500, modelVocabSize: 520 });
      } catch (caught) {
        return caught as VocabularyMismatchError;
      }
    })();
    expect(error).toMatchObject({ tokenizerVocabSize: 500, modelVocabSize: 520 });
  });
});
