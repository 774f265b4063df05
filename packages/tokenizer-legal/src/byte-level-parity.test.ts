import { readFileSync } from 'node:fs';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { beforeAll, expect, it } from 'vitest';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { toByteLevel } from './internal/byte-level.js';
import { buildPreTokenizer } from './internal/pre-tokenizer.js';

/**
 * Other byte-level BPE styles than Qwen's, checked against the `tokenizers` binding in the same test: Qwen's
 * vocabulary and merges under the pre-tokenizers of LLaMA-3, GPT-2 and cl100k (possessive quantifiers),
 * "a b" string merges, `ignore_merges`, and every Split behaviour, on the golden texts and random strings.
 */

const LLAMA3 =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const CL100K_POSSESSIVE =
  "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";
const O200K =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const byteLevel = (addPrefixSpace: boolean, useRegex: boolean) => ({
  type: 'ByteLevel',
  add_prefix_space: addPrefixSpace,
  trim_offsets: false,
  use_regex: useRegex,
});
const split = (pattern: Record<string, string>, behavior: string, invert = false) => ({
  type: 'Split',
  pattern,
  behavior,
  invert,
});
const sequence = (...pretokenizers: unknown[]) => ({ type: 'Sequence', pretokenizers });

type Json = Record<string, unknown>;
const variants: Array<[string, (json: Json) => void]> = [
  [
    'LLaMA-3 regex, ignore_merges, "a b" merges',
    (json) => {
      json.pre_tokenizer = sequence(split({ Regex: LLAMA3 }, 'Isolated'), byteLevel(false, false));
      json.normalizer = null;
      const model = json.model as Json;
      model.ignore_merges = true;
      model.merges = (model.merges as string[][]).map((pair) => pair.join(' '));
    },
  ],
  [
    'GPT-2 ByteLevel(add_prefix_space, use_regex)',
    (json) => {
      json.pre_tokenizer = byteLevel(true, true);
    },
  ],
  [
    'cl100k regex with possessive quantifiers',
    (json) => {
      json.pre_tokenizer = sequence(split({ Regex: CL100K_POSSESSIVE }, 'Isolated'), byteLevel(false, false));
    },
  ],
  [
    'o200k regex',
    (json) => {
      json.pre_tokenizer = sequence(split({ Regex: O200K }, 'Isolated'), byteLevel(false, false));
    },
  ],
  [
    'Split behaviours, invert, String patterns, ByteLevel not last',
    (json) => {
      json.pre_tokenizer = sequence(
        split({ String: '，' }, 'MergedWithPrevious'),
        split({ Regex: '\\p{N}+' }, 'MergedWithNext'),
        split({ Regex: '\\s' }, 'Contiguous'),
        split({ String: '。' }, 'Removed'),
        split({ Regex: '[a-z]+' }, 'Isolated', true),
        byteLevel(false, false),
        split({ String: 'Ġ' }, 'MergedWithNext'),
      );
    },
  ],
];

/** Seeded strings that stress pre-tokenization: spaces of every kind, apostrophes, ſ/K, digits, CJK, emoji. */
function randomStrings(count: number, seed: number): string[] {
  const alphabet = [
    ...'abcSTK ',
    "'s",
    "'LL",
    "'ſ",
    'K',
    '0',
    '123456',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r\n',
    '\u0085',
    '\ufeff',
    '\u00a0',
    '\u3000',
    '\u200b',
    '法',
    '民法典',
    '，',
    '。',
    '（一）',
    '😀',
    '👨‍👩‍👧',
    'e\u0301',
    'Ａ',
    '!?',
    '...',
    '/',
    '$',
  ];
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    let text = '';
    const length = Math.floor(next() * 24);
    for (let index = 0; index < length; index++) text += alphabet[Math.floor(next() * alphabet.length)];
    return text;
  });
}

describeWithShared(
  'byte-level BPE styles agree with the tokenizers binding',
  ['fixtures/tokenizers/qwen3/tokenizer.json', 'fixtures/tokenizers/qwen3/golden-dev.jsonl'],
  () => {
    let base: string;
    let texts: string[];
    beforeAll(() => {
      base = readFileSync(sharedPath('fixtures/tokenizers/qwen3/tokenizer.json'), 'utf8');
      const golden = readFileSync(sharedPath('fixtures/tokenizers/qwen3/golden-dev.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { text: string }).text);
      texts = [...golden, ...randomStrings(400, 12)];
    });

    for (const [name, edit] of variants) {
      it(name, async () => {
        const json = JSON.parse(base) as Json;
        edit(json);
        const ours = ByteLevelBpeTokenizer.fromJson(json);
        const binding = BindingTokenizer.fromString(JSON.stringify(json));
        const expected = await binding.encodeBatch(texts, { addSpecialTokens: false });
        // Pre-tokenization alone, piece by piece (the regex translation, before BPE can hide a difference).
        const preTokenizer = buildPreTokenizer(json.pre_tokenizer, () => {
          throw new Error('rejected');
        });
        const reference = binding.getPreTokenizer()!;
        const badSplits = texts.filter((text) => {
          const pieces: string[] = [];
          preTokenizer.split(text, pieces);
          const mapped = preTokenizer.emitsByteLevel ? pieces : pieces.map(toByteLevel);
          const expectedPieces = reference.preTokenizeString(text).map(([piece]) => piece);
          return JSON.stringify(mapped) !== JSON.stringify(expectedPieces);
        });
        expect(badSplits).toEqual([]);
        const bad = texts.filter(
          (text, index) => JSON.stringify(ours.encode(text)) !== JSON.stringify(expected[index].getIds()),
        );
        expect(bad).toEqual([]);
        for (let index = 0; index < texts.length; index += 37) {
          const ids = expected[index].getIds();
          expect(ours.decode(ids)).toBe(await binding.decode(ids, false));
        }
      });
    }
  },
);
