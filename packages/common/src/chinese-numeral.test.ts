import { describe, expect, it } from 'vitest';
import { formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';

describe('Chinese numerals', () => {
  it('parses the numerals of article numbers', () => {
    const cases: [string, number][] = [
      ['一', 1],
      ['十', 10],
      ['十二', 12],
      ['二十', 20],
      ['一百零一', 101],
      ['一百一十', 110],
      ['一千零五', 1005],
      ['两百', 200],
      ['一〇五', 105],
      ['三万零二', 30002],
      ['万', 10000],
      ['452', 452],
    ];
    for (const [text, value] of cases) expect(parseChineseNumeral(text), text).toBe(value);
    for (const text of ['', '第一', '一点五', 'x2']) expect(parseChineseNumeral(text), text).toBeUndefined();
  });

  it('formats every number below 100,000 so that it parses back', () => {
    for (let value = 0; value < 100_000; value++) {
      const text = formatChineseNumeral(value)!;
      if (parseChineseNumeral(text) !== value) expect(`${value} → ${text}`).toBe(value);
    }
    expect(formatChineseNumeral(1001)).toBe('一千零一');
    expect(formatChineseNumeral(12)).toBe('十二');
    for (const value of [-1, 1.5, 100_000])
      expect(formatChineseNumeral(value), String(value)).toBeUndefined();
  });
});
