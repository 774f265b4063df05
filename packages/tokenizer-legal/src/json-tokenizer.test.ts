import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertToTokenizerJson, mergesFromVocabulary } from './convert-tokenizer-json.js';
import { TokenizerFileError, TokenizerModelError } from './errors.js';
import { buildTestModel } from './internal/test-model.js';
import { JsonTokenizer } from './json-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

const model = new SentencePieceTokenizer(
  buildTestModel({
    byteFallback: true,
    pieces: [
      ['\u2581', -1],
      ['a', -2],
      ['b', -3],
      ['c', -4],
      ['ab', -5],
      ['\u2581a', -6],
      ['\u2581ab', -7],
      ['bc', -8],
    ],
  }),
);

describe('mergesFromVocabulary', () => {
  it('orders merges by score, then longer left, then longer right', () => {
    const merges = mergesFromVocabulary([
      { piece: 'a', score: 0 },
      { piece: 'b', score: 0 },
      { piece: 'ab', score: -1 },
      { piece: 'abb', score: -1 },
      { piece: 'ba', score: -3 },
    ]);
    expect(merges).toEqual([
      ['ab', 'b'],
      ['a', 'b'],
      ['b', 'a'],
    ]);
  });
});

describe('tokenizer.json conversion', () => {
  it('writes the LlamaConverter layout', () => {
    const json = convertToTokenizerJson(model);
    expect(json.normalizer).toEqual({
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '\u2581' },
        { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
      ],
    });
    expect(
      (json.decoder as { decoders: Array<{ type: string }> }).decoders.map((decoder) => decoder.type),
    ).toEqual(['Replace', 'ByteFallback', 'Fuse', 'Strip']);
    expect(json.model).toMatchObject({
      type: 'BPE',
      byte_fallback: true,
      fuse_unk: true,
      unk_token: '<unk>',
    });
    expect(json.added_tokens.map((token) => token.content)).toEqual(['<unk>', '<s>', '</s>']);
  });

  it('loads back through the tokenizers binding and encodes like the .model', async () => {
    const json = JsonTokenizer.fromString(JSON.stringify(convertToTokenizerJson(model)), 'x.json');
    for (const text of ['ab abc', ' a  b', '法a', '']) {
      expect(json.encode(text)).toEqual(model.encode(text));
      expect(await json.encodeWithBackend(text)).toEqual(model.encode(text));
      expect(json.decode(json.encode(text))).toBe(model.decode(model.encode(text)));
    }
    expect(json.vocabSize).toBe(model.vocabSize);
    expect([json.bosId, json.eosId, json.unkId]).toEqual([1, 2, 0]);
  });

  it('converts a unigram model to a Unigram tokenizer.json that encodes the same', () => {
    const unigram = new SentencePieceTokenizer(
      buildTestModel({
        modelType: 'unigram',
        byteFallback: true,
        pieces: [
          ['\u2581', -1],
          ['a', -2],
          ['b', -3],
          ['ab', -2.5],
          ['\u2581ab', -4],
        ],
      }),
    );
    const json = convertToTokenizerJson(unigram);
    expect(json.model.type).toBe('Unigram');
    const loaded = JsonTokenizer.fromString(JSON.stringify(json));
    expect(loaded.modelType).toBe('unigram');
    for (const text of ['ab ab', 'ba法', 'abab']) expect(loaded.encode(text)).toEqual(unigram.encode(text));
  });

  it('names the file and the problem for bad tokenizer.json files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tok-json-'));
    const text = JSON.stringify(convertToTokenizerJson(model));
    const truncated = join(dir, 'tokenizer.json');
    await writeFile(truncated, text.slice(0, text.length / 2));
    await expect(loadTokenizer(truncated)).rejects.toThrow(TokenizerFileError);
    await expect(loadTokenizer(truncated)).rejects.toThrow(
      /tokenizer\.json: not valid JSON \(truncated or corrupt\)/,
    );
    const wordLevel = JSON.parse(text);
    wordLevel.model = { type: 'WordLevel', vocab: { a: 0, '<unk>': 1 }, unk_token: '<unk>' };
    wordLevel.added_tokens = [];
    expect(() => JsonTokenizer.fromString(JSON.stringify(wordLevel), 'w.json')).toThrow(TokenizerModelError);
    expect(() => JsonTokenizer.fromString(JSON.stringify(wordLevel), 'w.json')).toThrow(
      /w\.json: model\.type is "WordLevel"/,
    );
    const rejected = JSON.parse(text);
    rejected.model.type = 'Nonsense';
    expect(() => JsonTokenizer.fromString(JSON.stringify(rejected), 'r.json')).toThrow(
      /r\.json: model\.type is "Nonsense", expected BPE or Unigram/,
    );
  });

  it('loadTokenizer finds tokenizer.model or tokenizer.json in a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tok-dir-'));
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(convertToTokenizerJson(model)));
    expect((await loadTokenizer(dir)).format).toBe('tokenizer.json');
    await writeFile(join(dir, 'tokenizer.model'), model.toBytes());
    expect((await loadTokenizer(dir)).format).toBe('sentencepiece');
    const empty = await mkdtemp(join(tmpdir(), 'tok-empty-'));
    await expect(loadTokenizer(empty)).rejects.toThrow(/neither tokenizer\.model nor tokenizer\.json/);
    expect(await readdir(dir)).toHaveLength(2);
    expect(JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')).model.type).toBe('BPE');
  });
});
