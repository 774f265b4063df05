import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from '../config.js';
import { InputError } from '../errors.js';
import { loadModel } from '../load.js';
import { createRandomModel } from '../random-model.js';
import { f16ToF32, f32ToF16 } from '../safetensors/dtype.js';
import { readSafetensors } from '../safetensors/reader.js';
import { hfValues, parameterSpecs } from '../weights.js';
import { exportGguf, ggufTensorName } from './export-gguf.js';
import { GgufFile } from './gguf-reader.js';
import { ggufVocabularyFromPieces, placeholderVocabulary } from './gguf-vocabulary.js';
import { unpermuteFromGguf } from './rope-permute.js';

const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-gguf-export-'));

/** Bytes of a float32 array, for exact comparisons. */
const bytesOf = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

for (const [fixture, heads, kvHeads, layers, vocab, theta, eps] of [
  ['s1', 4, 4, 2, 512, 10000, 1e-6],
  ['s2', 6, 2, 3, 1000, 500000, 1e-5],
] as const) {
  describeWithShared(`exportGguf golden (${fixture})`, [`fixtures/models/${fixture}/model`], () => {
    it('writes llama metadata and HF tensors that un-permute back exactly (F32), and F16 with F32 norms', async () => {
      const dir = sharedPath(`fixtures/models/${fixture}/model`);
      const model = await loadModel(dir);
      const original = (await readSafetensors(join(dir, 'model.safetensors'))).tensors;
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      try {
        const path = join(scratch, `${fixture}.gguf`);
        const result = await exportGguf({ model, path, name: fixture });
        expect(result.tensors).toBe(2 + 9 * layers + 1);
        const file = await GgufFile.open(path);
        expect(
          Object.fromEntries([...file.metadata].filter(([key]) => !key.startsWith('tokenizer.'))),
        ).toEqual({
          'general.architecture': { type: 'string', value: 'llama' },
          'general.name': { type: 'string', value: fixture },
          'llama.block_count': { type: 'u32', value: layers },
          'llama.context_length': { type: 'u32', value: config.max_position_embeddings },
          'llama.embedding_length': { type: 'u32', value: config.hidden_size },
          'llama.feed_forward_length': { type: 'u32', value: config.intermediate_size },
          'llama.attention.head_count': { type: 'u32', value: heads },
          'llama.attention.head_count_kv': { type: 'u32', value: kvHeads },
          'llama.rope.freq_base': { type: 'f32', value: theta },
          'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: Math.fround(eps) },
          'llama.attention.key_length': { type: 'u32', value: 16 },
          'llama.attention.value_length': { type: 'u32', value: 16 },
          'general.file_type': { type: 'u32', value: 0 },
          'llama.vocab_size': { type: 'u32', value: vocab },
          'llama.rope.dimension_count': { type: 'u32', value: 16 },
        });
        const tokens = file.value('tokenizer.ggml.tokens') as string[];
        expect(tokens).toHaveLength(vocab);
        expect([tokens[0], tokens[1], tokens[2], tokens[3], tokens[258]]).toEqual([
          '<unk>',
          '<s>',
          '</s>',
          '<0x00>',
          '<0xFF>',
        ]);
        expect(file.value('tokenizer.ggml.model')).toBe('llama');
        expect(file.value('tokenizer.ggml.bos_token_id')).toBe(1);
        for (const [name, tensor] of original) {
          const stored = await file.readTensor(ggufTensorName(name));
          expect(stored.shape, name).toEqual(tensor.shape);
          const rows = tensor.shape[0];
          const values = name.endsWith('q_proj.weight')
            ? unpermuteFromGguf(stored.data, rows, heads)
            : name.endsWith('k_proj.weight')
              ? unpermuteFromGguf(stored.data, rows, kvHeads)
              : stored.data;
          expect(bytesOf(values).equals(bytesOf(tensor.data)), name).toBe(true);
          if (/[qk]_proj/.test(name))
            expect(bytesOf(stored.data).equals(bytesOf(tensor.data)), name).toBe(false);
        }
        await file.close();

        const halfPath = join(scratch, `${fixture}-f16.gguf`);
        const half = await exportGguf({ model, path: halfPath, dtype: 'F16' });
        expect(half.bytes).toBeLessThan(result.bytes * 0.55);
        const halfFile = await GgufFile.open(halfPath);
        expect(halfFile.value('general.file_type')).toBe(1);
        for (const [name, tensor] of original) {
          const info = halfFile.info(ggufTensorName(name))!;
          expect(info.type, name).toBe(tensor.shape.length === 1 ? 'F32' : 'F16');
          if (/[qk]_proj/.test(name)) continue;
          const expected = tensor.shape.length === 1 ? tensor.data : f16ToF32(f32ToF16(tensor.data));
          const stored = (await halfFile.readTensor(info.name)).data;
          expect(bytesOf(stored).equals(bytesOf(expected)), name).toBe(true);
        }
        await halfFile.close();
      } finally {
        model.dispose();
      }
    });
  });
}

describe('exportGguf on generated models', () => {
  const config = createLlamaConfig({
    vocabSize: 300,
    hiddenSize: 32,
    intermediateSize: 48,
    numHiddenLayers: 1,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    tieWordEmbeddings: true,
    ropeScaling: { type: 'linear', factor: 4 },
  });
  // Created in beforeAll, not while collecting: a model built concurrently with another suite's backend
  // selection can land on a backend that is being replaced.
  let modelPromise: ReturnType<typeof createRandomModel>;
  beforeAll(() => {
    modelPromise = createRandomModel(config, { seed: 3 });
  });
  afterAll(async () => (await modelPromise).dispose());

  it('omits output.weight for tied embeddings and writes linear rope scaling and the vocabulary', async () => {
    const model = await modelPromise;
    const vocabulary = { ...placeholderVocabulary({ vocabSize: 300 }), padId: 0, addBosToken: true };
    const path = join(scratch, 'tied.gguf');
    const result = await exportGguf({ model, path, vocabulary });
    const file = await GgufFile.open(path);
    expect(result.tensors).toBe(2 + 9);
    expect(file.info('output.weight')).toBeUndefined();
    expect(file.value('llama.rope.scaling.type')).toBe('linear');
    expect(file.value('llama.rope.scaling.factor')).toBe(4);
    expect(file.value('tokenizer.ggml.padding_token_id')).toBe(0);
    expect(file.value('tokenizer.ggml.add_bos_token')).toBe(true);
    expect(file.value('tokenizer.ggml.token_type')).toEqual(vocabulary.tokenTypes);
    expect(file.value('tokenizer.ggml.scores')).toEqual(vocabulary.scores);
    const spec = parameterSpecs(config).find((entry) => entry.name.endsWith('k_proj.weight'))!;
    const stored = await file.readTensor('blk.0.attn_k.weight');
    const expected = await hfValues(model.parameter(spec.name), spec);
    expect(Array.from(unpermuteFromGguf(stored.data, 16, 2))).toEqual(Array.from(expected));
    await file.close();
  });

  it('rejects a vocabulary of the wrong size and stops on abort, leaving no file', async () => {
    const model = await modelPromise;
    const path = join(scratch, 'rejected.gguf');
    await expect(
      exportGguf({ model, path, vocabulary: placeholderVocabulary({ vocabSize: 301 }) }),
    ).rejects.toThrow(/vocabulary.tokens must be 300 entries/);
    const controller = new AbortController();
    const promise = exportGguf({
      model,
      path,
      signal: controller.signal,
      onProgress: (step) => step.tensors === 2 && controller.abort(),
    });
    await expect(promise).rejects.toThrow();
    expect(existsSync(path)).toBe(false);
  });
});

describe('GGUF vocabularies', () => {
  it('builds a SentencePiece-style placeholder vocabulary and refuses sizes that cannot hold it', () => {
    const vocabulary = placeholderVocabulary({ vocabSize: 262 });
    expect(vocabulary.tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(vocabulary.tokens.slice(258)).toEqual([
      '<0xFF>',
      '\u2581',
      '<placeholder_260>',
      '<placeholder_261>',
    ]);
    expect(vocabulary.tokenTypes.slice(0, 4)).toEqual([2, 3, 3, 6]);
    expect(vocabulary.tokenTypes.at(-1)).toBe(1);
    expect(new Set(vocabulary.tokens).size).toBe(262);
    expect(() => placeholderVocabulary({ vocabSize: 258 })).toThrow(InputError);
    expect(() => placeholderVocabulary({ vocabSize: 258 })).toThrow(/vocabSize must be an integer >= 259/);
  });

  it('converts plain SentencePiece pieces and validates the special ids', () => {
    const pieces = [
      { piece: '<unk>', score: 0, type: 2 },
      { piece: '<s>', score: 0, type: 3 },
      { piece: '</s>', score: 0, type: 3 },
      { piece: '▁法', score: -1, type: 1 },
    ];
    const vocabulary = ggufVocabularyFromPieces(pieces, { unkId: 0, bosId: 1, eosId: 2 });
    expect(vocabulary).toMatchObject({ tokens: ['<unk>', '<s>', '</s>', '▁法'], tokenTypes: [2, 3, 3, 1] });
    expect(() => ggufVocabularyFromPieces(pieces, { unkId: 0, bosId: 1, eosId: 4 })).toThrow(
      /vocabulary.eosId must be an id in \[0, 4\)/,
    );
    expect(() =>
      ggufVocabularyFromPieces([...pieces, { piece: 'x', score: 0, type: 9 }], {
        unkId: 0,
        bosId: 1,
        eosId: 2,
      }),
    ).toThrow(/tokenTypes\[4\]/);
  });
});
