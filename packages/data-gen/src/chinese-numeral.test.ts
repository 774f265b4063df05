import { describe, expect, it } from 'vitest';
import { formatArticleLabel, formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';
import { DataGenParseError } from './errors.js';

describe('Chinese numerals', () => {
  it('parses article numerals', () => {
    const cases: [string, number][] = [
      ['一', 1],
      ['十', 10],
      ['十二', 12],
      ['二十', 20],
      ['一百零一', 101],
      ['一百一十', 110],
      ['一百三十三', 133],
      ['一千', 1000],
      ['一千零五', 1005],
      ['一千零一十', 1010],
      ['一千二百六十', 1260],
      ['两百', 200],
      ['一〇五', 105],
      ['三万零二', 30002],
      ['452', 452],
    ];
    for (const [text, value] of cases) expect(parseChineseNumeral(text), text).toBe(value);
  });

  it('formats every number from 1 to 2,000 so that it parses back', () => {
    for (let value = 1; value <= 2000; value++)
      expect(parseChineseNumeral(formatChineseNumeral(value))).toBe(value);
    expect(formatChineseNumeral(110)).toBe('一百一十');
    expect(formatChineseNumeral(1001)).toBe('一千零一');
    expect(formatChineseNumeral(1260)).toBe('一千二百六十');
    expect(formatArticleLabel(133, 1)).toBe('第一百三十三条之一');
    expect(formatArticleLabel(12)).toBe('第十二条');
  });

  it('rejects what is not a numeral', () => {
    expect(() => parseChineseNumeral('第一')).toThrow(DataGenParseError);
    expect(() => parseChineseNumeral('')).toThrow(/not a Chinese numeral/);
  });
});
