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

/** The characters of an article numeral (`[…]` class body): Chinese digits and units up to 万, and 0–9. */
export const CHINESE_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万\\d';

/**
 * The value of a Chinese numeral as written in article numbers (`一千零五十`, `十二`, `两百`, `一〇五`,
 * `三万零二`) or of ASCII digits; `undefined` for anything else. Values below 100,000.
 */
export function parseChineseNumeral(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  if (value.length === 0 || !/^[零〇一二两三四五六七八九十百千万]+$/.test(value)) return undefined;
  // Positional form without units, e.g. 一〇五.
  if (!/[十百千万]/.test(value)) return Number([...value].map((char) => DIGITS[char]).join(''));
  const wanIndex = value.indexOf('万');
  if (wanIndex >= 0) {
    const high = wanIndex === 0 ? 1 : parseChineseNumeral(value.slice(0, wanIndex));
    const rest = value.slice(wanIndex + 1);
    const low = rest ? parseChineseNumeral(rest) : 0;
    return high === undefined || low === undefined ? undefined : high * 10000 + low;
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
 * `value` (an integer, 0 ≤ value < 100,000) as the Chinese numeral of statute article numbers
 * (10 → 十, 12 → 十二, 110 → 一百一十, 1001 → 一千零一); `undefined` outside that range.
 */
export function formatChineseNumeral(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 0 || value >= 100000) return undefined;
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
