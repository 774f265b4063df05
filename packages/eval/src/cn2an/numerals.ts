/** cn2an 0.5.22 numeral tables (facts from its conf). */
export const NUMBER_CN2AN: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  幺: 1,
  二: 2,
  贰: 2,
  两: 2,
  三: 3,
  叁: 3,
  仨: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};

export const UNIT_CN2AN: Record<string, number> = {
  十: 10,
  拾: 10,
  百: 100,
  佰: 100,
  千: 1000,
  仟: 1000,
  万: 10000,
  亿: 100000000,
};

export const UNIT_LOW_AN2CN: Record<number, string> = {
  10: '十',
  100: '百',
  1000: '千',
  10000: '万',
  100000000: '亿',
};

export const NUMBER_LOW_AN2CN = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

export const UNIT_LOW_ORDER_AN2CN = [
  '',
  '十',
  '百',
  '千',
  '万',
  '十',
  '百',
  '千',
  '亿',
  '十',
  '百',
  '千',
  '万',
  '十',
  '百',
  '千',
];

/** A number as Python would hold it: `isFloat` decides how `str()` prints it. */
export interface PyNumber {
  value: number;
  isFloat: boolean;
}

/** Python's `str()` of a number (`3.0` for an integral float, `1e-05` style exponents). */
export function pyNumberString(number: PyNumber): string {
  const { value, isFloat } = number;
  if (!isFloat) return String(value);
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e16 || magnitude < 1e-4)) {
    return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  if (Number.isInteger(value)) return `${value.toFixed(0)}.0`;
  return String(value);
}
