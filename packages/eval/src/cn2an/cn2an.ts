import { an2cnLow } from './an2cn.js';
import { NUMBER_CN2AN, NUMBER_LOW_AN2CN, type PyNumber, UNIT_CN2AN, UNIT_LOW_AN2CN } from './numerals.js';

const ALL_NUM = Object.keys(NUMBER_CN2AN).join('');
const ALL_UNIT = Object.keys(UNIT_CN2AN).join('');
const SMART_KEYS = new Set(
  Array.from('〇零一壹幺二贰两三叁仨四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿点负01234567890.-'),
);

// cn2an's strict structure, with each character class widened as its "normal" mode does.
const D0 = '[〇零]';
const D19 = '[一壹幺二贰两三叁仨四肆五伍六陆七柒八捌九玖]';
const TEN = '[十拾]';
const HUNDRED = '[百佰]';
const THOUSAND = '[千仟]';
const P10_99 = `${D19}?${TEN}${D19}?`;
const P1_99 = `(${P10_99}|${D19})`;
const P100_999 = `(${D19}${HUNDRED}(${D0}${D19})?|${D19}${HUNDRED}${P10_99})`;
const P1_999 = `(${P100_999}|${P1_99})`;
const P1000_9999 = `(${D19}${THOUSAND}(${D0}${P1_99})?|${D19}${THOUSAND}${P100_999})`;
const P1_9999 = `(${P1000_9999}|${P1_999})`;
const P1E4 = `(${P1_9999}[万](${D0}${P1_999})?|${P1_9999}[万]${P1000_9999})`;
const P1_1E8 = `(${P1E4}|${P1_9999})`;
const P1E8 = `(${P1_1E8}[亿](${D0}${P1_1E8})?|${P1_1E8}[亿]${P1E4})`;
const INT_PATTERN = new RegExp(`^(${D0}|(${P1E8}|${P1_1E8}))$`);
const DEC_PATTERN = /^[〇零一壹幺二贰两三叁仨四肆五伍六陆七柒八捌九玖]{0,16}$/;
const ALL_NUM_PATTERN = new RegExp(`^[${ALL_NUM}]+$`);
const SPEAKING_PATTERN = new RegExp(`^([${ALL_NUM}]{0,2}[${ALL_UNIT}])+[${ALL_NUM}]$`);
const SMART_PLAIN = new RegExp(`^-?\\p{Nd}+(\\.\\p{Nd}+)?[${ALL_UNIT}]?$`, 'u');
const YJF_PATTERN = new RegExp(`^[^\\n]*?[元圆][${ALL_NUM}]角([${ALL_NUM}]分)?$`);

/**
 * cn2an 0.5.22 `Cn2An().cn2an(text, "smart")` for the strings `transform` hands it (Chinese numerals, optionally
 * mixed with Arabic digits). Throws where cn2an raises `ValueError`.
 */
export function cn2anSmart(input: string): PyNumber {
  let text = input.replaceAll('廿', '二十');
  for (const word of ['元整', '圆整', '元正', '圆正']) if (text.slice(-2) === word) text = text.slice(0, -2);
  for (const word of ['圆', '元']) if (text.slice(-1) === word) text = text.slice(0, -1);
  if (YJF_PATTERN.test(text)) text = text.replace('元', '点').replaceAll('角', '').replaceAll('分', '');
  text = text.replaceAll('零十', '零一十').replaceAll('零百', '零一百');
  if (text.length === 0) throw new Error('empty numeral');
  for (const ch of text) if (!SMART_KEYS.has(ch)) throw new Error(`not a numeral character: ${ch}`);

  let sign = 1;
  if (text[0] === '负') {
    text = text.slice(1);
    sign = -1;
  }
  let integerPart: string;
  let decimalPart: string | undefined;
  if (text.includes('点')) {
    const parts = text.split('点');
    if (parts.length !== 2) throw new Error('more than one 点');
    integerPart = parts[0].replace(/\p{Nd}+/gu, (digits) => an2cnLow(digits));
    decimalPart = parts[1].replace(/\p{Nd}+/gu, (digits) =>
      Array.from(digits.normalize('NFKC'), (d) => NUMBER_LOW_AN2CN[Number(d)]).join(''),
    );
  } else {
    integerPart = text;
    if (SMART_PLAIN.test(integerPart)) {
      // Smart mode's shortcut for "10.1万" / "10.1": returned without the sign.
      const last = integerPart.slice(-1);
      if (last in UNIT_CN2AN) {
        return {
          value: Math.trunc(Number(integerPart.slice(0, -1).normalize('NFKC')) * UNIT_CN2AN[last]),
          isFloat: false,
        };
      }
      return { value: Number(integerPart.normalize('NFKC')), isFloat: true };
    }
    integerPart = integerPart.replace(/\p{Nd}+/gu, (digits) => an2cnLow(digits));
  }
  const parsed = classify(integerPart, decimalPart);
  const integerValue = parsed.allDigits ? directConvert(parsed.integer) : integerConvert(parsed.integer);
  if (decimalPart === undefined) return { value: sign * integerValue, isFloat: false };
  const value = pyRound(integerValue + decimalConvert(decimalPart), decimalPart.length);
  return { value: sign * value, isFloat: true };
}

function classify(integer: string, decimal: string | undefined): { integer: string; allDigits: boolean } {
  const decimalOk = decimal === undefined || DEC_PATTERN.test(decimal);
  if (INT_PATTERN.test(integer)) {
    if (decimalOk) return { integer, allDigits: false };
    throw new Error(`invalid decimal part: ${decimal}`);
  }
  if (ALL_NUM_PATTERN.test(integer) && decimalOk) return { integer, allDigits: true };
  const speaking = SPEAKING_PATTERN.exec(integer);
  if (integer.length >= 3 && speaking) {
    const lastUnit = speaking[1].slice(-1);
    const lower = UNIT_LOW_AN2CN[Math.floor(UNIT_CN2AN[lastUnit] / 10)];
    if (lower === undefined) throw new Error(`no unit below ${lastUnit}`);
    if (decimalOk) return { integer: integer + lower, allDigits: false };
  }
  throw new Error(`not a numeral: ${integer}`);
}

function integerConvert(data: string): number {
  let output = 0;
  let unit = 1;
  let tenThousandUnit = 1;
  const chars = Array.from(data).reverse();
  chars.forEach((ch, index) => {
    if (ch in NUMBER_CN2AN) {
      output += NUMBER_CN2AN[ch] * unit;
      return;
    }
    unit = UNIT_CN2AN[ch];
    if (unit % 10000 === 0) {
      if (unit > tenThousandUnit) {
        tenThousandUnit = unit;
      } else {
        tenThousandUnit = unit * tenThousandUnit;
        unit = tenThousandUnit;
      }
    }
    if (unit < tenThousandUnit) unit = unit * tenThousandUnit;
    if (index === chars.length - 1) output += unit;
  });
  return Math.trunc(output);
}

function decimalConvert(data: string): number {
  const digits = Array.from(data).slice(0, 16);
  let output = 0;
  for (let index = digits.length - 1; index >= 0; index--) {
    output += NUMBER_CN2AN[digits[index]] * 10 ** -(index + 1);
  }
  return pyRound(output, digits.length);
}

function directConvert(data: string): number {
  const digits = Array.from(data);
  let output = 0;
  for (let index = digits.length - 1; index >= 0; index--) {
    output += NUMBER_CN2AN[digits[index]] * 10 ** (digits.length - index - 1);
  }
  return output;
}

/** Python `round(x, n)` for the short decimals cn2an produces. */
function pyRound(value: number, digits: number): number {
  return Number(value.toFixed(Math.min(digits, 100)));
}
