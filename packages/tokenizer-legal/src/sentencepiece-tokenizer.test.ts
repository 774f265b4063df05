import { describe, expect, it } from 'vitest';
import { TokenizerInputError, TokenizerModelError } from './errors.js';
import { buildTestModel } from './internal/test-model.js';
import { ModelType, PieceType } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

const letters: Array<[string, number]> = [
  ['\u2581', -10],
  ['a', -10],
  ['b', -10],
  ['c', -10],
];

describe('SentencePiece BPE', () => {
  it('merges the best-scoring pair first and breaks ties leftmost', () => {
    const tie = new SentencePieceTokenizer(
      buildTestModel({ pieces: [...letters, ['ab', -1], ['bc', -1]], addDummyPrefix: false }),
    );
    expect(tie.encodePieces('abc')).toEqual(['ab', 'c']);
    const right = new SentencePieceTokenizer(
      buildTestModel({ pieces: [...letters, ['ab', -2], ['bc', -1]], addDummyPrefix: false }),
    );
    expect(right.encodePieces('abc')).toEqual(['a', 'bc']);
  });

  it('adds a dummy prefix, keeps every space, and maps spaces to ▁', () => {
    const tokenizer = new SentencePieceTokenizer(buildTestModel({ pieces: [...letters, ['\u2581a', -1]] }));
    expect(tokenizer.normalize('  a  ')).toBe('\u2581\u2581\u2581a\u2581\u2581');
    expect(tokenizer.encodePieces('a a')).toEqual(['\u2581a', '\u2581a']);
    expect(tokenizer.encode('')).toEqual([]);
    expect(tokenizer.decode(tokenizer.encode(' a a'))).toBe(' a a');
  });

  it('falls back to UTF-8 bytes for unknown characters and decodes them back', () => {
    const tokenizer = new SentencePieceTokenizer(buildTestModel({ pieces: letters, byteFallback: true }));
    const pieces = tokenizer.encodePieces('a法');
    expect(pieces).toEqual(['\u2581', 'a', '<0xE6>', '<0xB3>', '<0x95>']);
    expect(tokenizer.decode(tokenizer.encode('a法'))).toBe('a法');
    // A lone continuation byte is malformed: U+FFFD, as sentencepiece.
    expect(tokenizer.decode([tokenizer.pieceToId('<0xB3>')!])).toBe('\uFFFD');
  });

  it('without byte fallback, a run of unknown characters is one <unk>', () => {
    const tokenizer = new SentencePieceTokenizer(buildTestModel({ pieces: letters }));
    expect(tokenizer.encode('a法律b')).toEqual([3, 4, 0, 5]);
    expect(tokenizer.encodePieces('a法律b')).toEqual(['\u2581', 'a', '法律', 'b']);
    expect(tokenizer.decode([4, 0, 5])).toBe('a \u2047 b');
  });

  it('keeps user-defined pieces whole and never merges across them', () => {
    const tokenizer = new SentencePieceTokenizer(
      buildTestModel({
        pieces: [...letters, ['ab', -1], ['ba', -1], ['aba', -0.5], ['b', 0, PieceType.USER_DEFINED]].filter(
          (entry, index) => !(entry[0] === 'b' && index === 2),
        ) as Array<[string, number, number]>,
        addDummyPrefix: false,
      }),
    );
    expect(tokenizer.encodePieces('aba')).toEqual(['a', 'b', 'a']);
  });

  it('resegments UNUSED pieces into the pieces they were merged from', () => {
    const tokenizer = new SentencePieceTokenizer(
      buildTestModel({ pieces: [...letters, ['ab', -1, PieceType.UNUSED]], addDummyPrefix: false }),
    );
    expect(tokenizer.encodePieces('ab')).toEqual(['a', 'b']);
  });

  it('adds BOS/EOS on request, and decode drops or shows control tokens', () => {
    const tokenizer = new SentencePieceTokenizer(buildTestModel({ pieces: [...letters, ['\u2581a', -1]] }));
    const ids = tokenizer.encode('a', { addBos: true, addEos: true });
    expect(ids).toEqual([1, tokenizer.pieceToId('\u2581a'), 2]);
    expect(tokenizer.decode(ids)).toBe('a');
    expect(tokenizer.decode(ids, { skipSpecial: false })).toBe('<s>a</s>');
    expect(tokenizer.encodeBatch(['a', ''])).toEqual([[tokenizer.pieceToId('\u2581a')], []]);
    expect(() => tokenizer.decode([999])).toThrow(TokenizerInputError);
    expect(() => tokenizer.idToPiece(-1)).toThrow(/outside the vocabulary/);
  });

  it('is linear-ish on long runs (2000 characters)', () => {
    const tokenizer = new SentencePieceTokenizer(
      buildTestModel({ pieces: [...letters, ['aa', -1], ['aaaa', -0.5]] }),
    );
    const ids = tokenizer.encode('a'.repeat(2001));
    expect(tokenizer.decode(ids)).toBe('a'.repeat(2001));
    expect(ids.length).toBe(1 + 500 + 1);
  });
});

describe('SentencePiece unigram', () => {
  it('finds the best-scoring segmentation (Viterbi)', () => {
    const tokenizer = new SentencePieceTokenizer(
      buildTestModel({
        modelType: 'unigram',
        pieces: [...letters, ['ab', -3], ['bc', -2], ['abc', -25], ['\u2581a', -1]],
      }),
    );
    // ▁a + bc (-1 -2) beats ▁ + abc (-10 -25) and ▁a + b + c (-1 -10 -10).
    expect(tokenizer.encodePieces('abc')).toEqual(['\u2581a', 'bc']);
    expect(tokenizer.encodePieces('a法c')).toEqual(['\u2581a', '法', 'c']);
    expect(tokenizer.encode('a法律c')[1]).toBe(0);
  });
});

describe('model validation', () => {
  it('rejects an unknown model type naming the field', () => {
    const proto = buildTestModel({ pieces: letters });
    proto.trainer_spec!.model_type = 9;
    expect(() => new SentencePieceTokenizer(proto, 'x.model')).toThrow(
      /x\.model: trainer_spec\.model_type is unknown value 9/,
    );
    proto.trainer_spec!.model_type = ModelType.WORD;
    expect(() => new SentencePieceTokenizer(proto, 'x.model')).toThrow(TokenizerModelError);
  });

  it('rejects a model without <unk>, with missing byte pieces, or with duplicate pieces', () => {
    const noUnk = buildTestModel({ pieces: letters });
    noUnk.pieces[0].type = PieceType.CONTROL;
    expect(() => new SentencePieceTokenizer(noUnk, 'a.model')).toThrow(/one UNKNOWN piece/);
    const noBytes = buildTestModel({ pieces: letters, byteFallback: true });
    noBytes.pieces.splice(3 + 0x41, 1);
    expect(() => new SentencePieceTokenizer(noBytes, 'b.model')).toThrow(
      /b\.model: pieces is 1 missing \(<0x41>\)/,
    );
    const duplicate = buildTestModel({ pieces: [...letters, ['a', -1]] });
    expect(() => new SentencePieceTokenizer(duplicate, 'c.model')).toThrow(/already id/);
  });
});
