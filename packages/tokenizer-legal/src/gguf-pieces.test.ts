import { readFileSync } from 'node:fs';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { createCharacterTokenizer } from './character-tokenizer.js';
import { convertToTokenizerJson } from './convert-tokenizer-json.js';
import { TokenizerModelError } from './errors.js';
import { fromGgufPieces, toGgufVocabulary } from './gguf-pieces.js';
import { JsonTokenizer } from './json-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import { decodeModelProto, encodeModelProto, PieceType } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

describe('toGgufVocabulary', () => {
  const tokenizer = createCharacterTokenizer({ texts: ['盗窃公私财物，数额较大的', 'theft of property'] });

  it('lists every piece with its score and type, and the special ids', () => {
    const vocabulary = toGgufVocabulary(tokenizer);
    expect(vocabulary.pieces).toHaveLength(tokenizer.vocabSize);
    expect(vocabulary.pieces.map((entry) => entry.piece)).toEqual(
      Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.idToPiece(id)),
    );
    expect(vocabulary.pieces.slice(0, 4)).toEqual([
      { piece: '<unk>', score: 0, type: PieceType.UNKNOWN },
      { piece: '<s>', score: 0, type: PieceType.CONTROL },
      { piece: '</s>', score: 0, type: PieceType.CONTROL },
      { piece: '<0x00>', score: 0, type: PieceType.BYTE },
    ]);
    const space = vocabulary.pieces[tokenizer.pieceToId('\u2581')!];
    const theft = vocabulary.pieces[tokenizer.pieceToId('盗')!];
    expect(space.type).toBe(PieceType.NORMAL);
    expect(theft.score).toBeLessThan(space.score);
    expect(vocabulary).toMatchObject({ unkId: 0, bosId: 1, eosId: 2 });
    expect(vocabulary.padId).toBeUndefined();
  });

  it('converts a tokenizer.json with piece scores like its tokenizer.model', () => {
    const json = JsonTokenizer.fromString(
      JSON.stringify(convertToTokenizerJson(tokenizer)),
      'tokenizer.json',
    );
    expect(toGgufVocabulary(json)).toEqual(toGgufVocabulary(tokenizer));
  });

  it('refuses a BPE tokenizer.json without piece scores, naming the file and field', () => {
    const text = JSON.stringify(convertToTokenizerJson(tokenizer, { pieceScores: false }));
    const json = JsonTokenizer.fromString(text, '/models/x/tokenizer.json');
    expect(() => toGgufVocabulary(json)).toThrow(TokenizerModelError);
    expect(() => toGgufVocabulary(json)).toThrow(/\/models\/x\/tokenizer.json: model.piece_scores is absent/);
  });

  it('refuses a model without an EOS piece', () => {
    const proto = decodeModelProto(encodeModelProto(tokenizer.proto));
    proto.pieces[2] = { piece: '</s>', score: 0, type: PieceType.USER_DEFINED };
    const broken = new SentencePieceTokenizer(proto, 'no-eos.model');
    expect(() => toGgufVocabulary(broken)).toThrow(
      /no-eos.model: eos_id is none, expected a control piece <\/s>/,
    );
  });
});

describeWithShared('toGgufVocabulary (LLaMA-2 tokenizer.model)', ['fixtures/tokenizers/llama2'], () => {
  it('keeps all 32000 pieces byte-exact, the U+FEFF piece included', async () => {
    const path = sharedPath('fixtures/tokenizers/llama2/tokenizer.model');
    const vocabulary = toGgufVocabulary(await loadTokenizer(path));
    expect(vocabulary.pieces).toHaveLength(32000);
    expect(vocabulary).toMatchObject({ unkId: 0, bosId: 1, eosId: 2 });
    // Independent read of the pieces: UTF-8 bytes of each piece string in the protobuf, in order.
    const bytes = readFileSync(path);
    const encoder = new TextEncoder();
    let searchFrom = 0;
    for (const { piece } of vocabulary.pieces) {
      const encoded = Buffer.from(encoder.encode(piece));
      const at = bytes.indexOf(Buffer.concat([Buffer.from([0x0a, encoded.length]), encoded]), searchFrom);
      expect(at, `piece ${JSON.stringify(piece)}`).toBeGreaterThanOrEqual(searchFrom);
      searchFrom = at + 2 + encoded.length;
    }
    const bom = vocabulary.pieces.findIndex((entry) => entry.piece === '\uFEFF');
    expect(bom).toBe(30143);
    const types = new Map<number, number>();
    for (const { type } of vocabulary.pieces) types.set(type, (types.get(type) ?? 0) + 1);
    expect(Object.fromEntries(types)).toEqual({ 1: 31741, 2: 1, 3: 2, 6: 256 });
    expect(vocabulary.pieces[29871]).toEqual({ piece: '\u2581', score: -1e9, type: 1 });
  });
});

describeWithShared(
  'fromGgufPieces rebuilds the tokenizer a GGUF vocabulary came from',
  ['fixtures/tokenizers/golden-dev.jsonl', 'fixtures/tokenizers/chinese-llama/tokenizer.model'],
  () => {
    for (const [name, file] of [
      ['llama2', 'fixtures/tokenizers/llama2/tokenizer.model'],
      ['chinese_llama', 'fixtures/tokenizers/chinese-llama/tokenizer.model'],
    ] as const) {
      it(`${name}: the 305 golden-dev strings give sentencepiece's ids and decoded text`, async () => {
        const original = await SentencePieceTokenizer.fromFile(sharedPath(file));
        const rebuilt = fromGgufPieces(toGgufVocabulary(original), { path: 'model.gguf' });
        expect(rebuilt.vocabSize).toBe(original.vocabSize);
        expect([rebuilt.bosId, rebuilt.eosId, rebuilt.unkId]).toEqual([
          original.bosId,
          original.eosId,
          original.unkId,
        ]);
        const records = readFileSync(sharedPath('fixtures/tokenizers/golden-dev.jsonl'), 'utf8')
          .split('\n')
          .filter((line) => line.trim())
          .map(
            (line) =>
              JSON.parse(line) as Record<string, { ids: number[]; decoded: string }> & { text: string },
          );
        let exact = 0;
        for (const record of records) {
          const ids = rebuilt.encode(record.text);
          if (
            JSON.stringify(ids) === JSON.stringify(record[name]!.ids) &&
            rebuilt.decode(ids) === record[name]!.decoded
          )
            exact++;
        }
        expect(exact).toBe(records.length);
      });
    }

    it('names the field of a special id outside the vocabulary', async () => {
      const original = await SentencePieceTokenizer.fromFile(
        sharedPath('fixtures/tokenizers/llama2/tokenizer.model'),
      );
      const vocabulary = { ...toGgufVocabulary(original), eosId: 40_000 };
      expect(() => fromGgufPieces(vocabulary)).toThrow(/tokenizer\.ggml\.eos_token_id/);
    });
  },
);
