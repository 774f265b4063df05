import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { compileOnigRegex, UnsupportedRegexError } from './onig-regex.js';

/** Non-empty spans of `text` matched by our translation (Split drops empty ones). */
function ours(pattern: string, text: string): string[] {
  return [...text.matchAll(compileOnigRegex(pattern))].map((match) => match[0]).filter((span) => span !== '');
}

/** Spans matched by Oniguruma itself, through the `tokenizers` binding's Split pre-tokenizer. */
function oniguruma(pattern: string, text: string): string[] {
  // Split with `invert` and `Removed` keeps exactly the matches.
  const tokenizer = BindingTokenizer.fromString(
    JSON.stringify({
      version: '1.0',
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'Split', pattern: { Regex: pattern }, behavior: 'Removed', invert: true },
      post_processor: null,
      decoder: null,
      model: { type: 'BPE', vocab: { a: 0 }, merges: [] },
    }),
  );
  return tokenizer
    .getPreTokenizer()!
    .preTokenizeString(text)
    .map(([piece]) => piece);
}

const cases: Array<[string, string[]]> = [
  ['\\s+', ['a \u0085 b', 'x\ufeffy', '\u3000\u00a0\u2028.', '\t\v\f\r\n']],
  ['\\S+', ['a \u0085 b', 'x\ufeffy \u200b']],
  ['[^\\s\\p{L}]+', ['a\u0085!!\ufeff b', '1 2']],
  ["(?i:'s|'t|'re|'ll)", ["it's IT'S it'ſ we'LL we'RE", 'K\u212a']],
  ['(?i:[sk])+', ['sSſkK\u212a x']],
  ['(?i)ab|c', ['AB aB C c']],
  ['\\p{N}{1,3}+', ['1992年12345', '1 22 333 4444']],
  ['\\p{N}{1,3}', ['1992年12345']],
  ['\\s++$|\\s+', ['a  \n  b  ', '  \n\n', 'x \t']],
  ['\\s+$', ['a  \nb  ', 'a  \r\nb']],
  ['^\\p{L}+', ['ab\ncd ef\n gh']],
  ['.+', ['ab\ncd\r\nef\u2028gh']],
  ['\\Aa|b\\z|c\\Z', ['aab\nac\nbc\n', 'c\n']],
  ['(?>a+)b|a+', ['aaab aaa']],
  ['[a-c]+(?!x)', ['abcx abc']],
  ['\\d+|\\w+', ['١٢٣ abc_d 中文 ①']],
  ['\\x{4e2d}|\\x41|[\\x{6587}-\\x{6588}]+', ['中A文文z']],
  ['[\\-\\]a]+|[.]', ['-]a.b']],
  ['a{2}|b{,2}|c{1,}', ['aaa bbb ccc']],
  ['(?<n>a)b|\\p{Han}+', ['ab 汉字']],
  ['\\h+', ['0x1F zz']],
];

describe('compileOnigRegex', () => {
  for (const [pattern, texts] of cases) {
    it(`matches what Oniguruma matches: ${pattern}`, () => {
      for (const text of texts) expect(ours(pattern, text)).toEqual(oniguruma(pattern, text));
    });
  }

  it('rejects what it cannot translate exactly', () => {
    for (const pattern of ['(a)\\1', '\\G', '[[:alpha:]]', '[a&&b]', '(?x)a', '\\Kb', 'a\\']) {
      expect(() => compileOnigRegex(pattern), pattern).toThrow(UnsupportedRegexError);
    }
  });
});
