import { NUMBER_LOW_AN2CN, UNIT_LOW_ORDER_AN2CN } from './numerals.js';

/** cn2an's `An2Cn().an2cn(digits)` in "low" mode, for the integer digit runs that smart mode rewrites. */
export function an2cnLow(digits: string): string {
  const integer = String(BigInt(digits.normalize('NFKC')));
  if (integer.length > UNIT_LOW_ORDER_AN2CN.length) {
    throw new Error(`超出数据范围，最长支持 ${UNIT_LOW_ORDER_AN2CN.length} 位`);
  }
  let output = '';
  const length = integer.length;
  for (let i = 0; i < length; i++) {
    const digit = Number(integer[i]);
    const unit = UNIT_LOW_ORDER_AN2CN[length - i - 1];
    if (digit) {
      output += NUMBER_LOW_AN2CN[digit] + unit;
    } else {
      if ((length - i - 1) % 4 === 0) output += NUMBER_LOW_AN2CN[digit] + unit;
      if (i > 0 && !output.endsWith('零')) output += NUMBER_LOW_AN2CN[digit];
    }
  }
  output = output
    .replaceAll('零零', '零')
    .replaceAll('零万', '万')
    .replaceAll('零亿', '亿')
    .replaceAll('亿万', '亿')
    .replace(/^零+|零+$/g, '');
  if (output.startsWith('一十')) output = output.slice(1);
  return output || '零';
}
