import { describe, expect, it } from 'vitest';
import { formatArticleLabel, formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';
import { DataGenParseError } from './errors.js';

// The numeral rules themselves are tested in @lawgpt/common; these check data-gen's typed errors around them.
describe('Chinese numerals (data-gen)', () => {
  it('parses and formats article numbers', () => {
    expect(parseChineseNumeral('一百三十三')).toBe(133);
    expect(parseChineseNumeral('452')).toBe(452);
    expect(formatChineseNumeral(1260)).toBe('一千二百六十');
    expect(formatArticleLabel(133, 1)).toBe('第一百三十三条之一');
    expect(formatArticleLabel(12)).toBe('第十二条');
  });

  it('throws DataGenParseError for what is not a numeral or cannot be written', () => {
    expect(() => parseChineseNumeral('第一')).toThrow(DataGenParseError);
    expect(() => parseChineseNumeral('')).toThrow(/not a Chinese numeral/);
    expect(() => formatChineseNumeral(100_000)).toThrow(DataGenParseError);
    expect(() => formatChineseNumeral(1.5)).toThrow(/cannot be written/);
    expect(() => formatArticleLabel(133, 100_000)).toThrow(DataGenParseError);
  });
});
