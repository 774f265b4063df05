import { DataGenParseError } from './errors.js';

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const DIGIT_CHARS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/**
 * Parse a Chinese numeral as used in article numbers (`一千零五十`, `十二`, `两百`, `一〇五`) or ASCII digits.
 * Throws `DataGenParseError` for anything else. Supports values below 100,000 (`万` included).
 */
export function parseChineseNumeral(text: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  if (value.length === 0 || !/^[零〇一二两三四五六七八九十百千万]+$/.test(value)) {
    throw new DataGenParseError({ path: '<string>', message: `"${text}" is not a Chinese numeral` });
  }
  // Positional form without units, e.g. 一〇五.
  if (!/[十百千万]/.test(value)) return Number([...value].map((char) => DIGITS[char]).join(''));
  const wanIndex = value.indexOf('万');
  if (wanIndex >= 0) {
    const high = wanIndex === 0 ? 1 : parseChineseNumeral(value.slice(0, wanIndex));
    const rest = value.slice(wanIndex + 1);
    return high * 10000 + (rest ? parseChineseNumeral(rest) : 0);
  }
  let total = 0;
  let digit: number | undefined;
  for (const char of value) {
    if (char in DIGITS) {
      digit = DIGITS[char];
      continue;
    }
    // A unit: 十 without a digit before it means 一十.
    total += (digit ?? 1) * UNITS[char];
    digit = undefined;
  }
  return total + (digit ?? 0);
}

/**
 * Write `value` (0 ≤ value < 100,000) as the Chinese numeral used in statute article numbers:
 * 10 → 十, 12 → 十二, 110 → 一百一十, 1001 → 一千零一, 1260 → 一千二百六十.
 */
export function formatChineseNumeral(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value >= 100000) {
    throw new DataGenParseError({
      path: '<number>',
      message: `${value} cannot be written as an article numeral`,
    });
  }
  if (value === 0) return '零';
  const places = [
    [10000, '万'],
    [1000, '千'],
    [100, '百'],
    [10, '十'],
    [1, ''],
  ] as const;
  let text = '';
  let pendingZero = false;
  for (const [size, unit] of places) {
    const digit = Math.floor(value / size) % 10;
    if (digit === 0) {
      if (text) pendingZero = true;
      continue;
    }
    if (pendingZero) text += '零';
    pendingZero = false;
    // Leading 一十 is written 十 (十二, not 一十二).
    text += size === 10 && !text && digit === 1 ? '十' : `${DIGIT_CHARS[digit]}${unit}`;
  }
  return text;
}

/** `第一百三十三条之一` for `{ number: 133, suffix: 1 }`; suffix 0 means no `之X`. */
export function formatArticleLabel(number: number, suffix = 0): string {
  return `第${formatChineseNumeral(number)}条${suffix > 0 ? `之${formatChineseNumeral(suffix)}` : ''}`;
}
