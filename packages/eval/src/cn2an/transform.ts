import { cn2anSmart } from './cn2an.js';
import { pyNumberString, UNIT_CN2AN } from './numerals.js';

const ALL_NUM = '零一二三四五六七八九';
const ALL_UNIT = Object.keys(UNIT_CN2AN).join('');
const CN = `负?([${ALL_NUM}${ALL_UNIT}]+点)?[${ALL_NUM}${ALL_UNIT}]+`;
const SMART = `-?([0-9]+[^\\n])?[0-9]+[${ALL_UNIT}]+`;

const DATE = new RegExp(`(((${SMART})|(${CN}))年)?([${ALL_NUM}十]+月)?([${ALL_NUM}十]+日)?`, 'gu');
const DATE_PART = new RegExp(`((${SMART})|(${CN}))`, 'gu');
const FRACTION = new RegExp(`${CN}分之${CN}`, 'gu');
const PERCENT = new RegExp(`百分之${CN}`, 'gu');
const PERCENT_PART = new RegExp(`(?<=百分之)${CN}`, 'gu');
const CELSIUS = new RegExp(`${CN}摄氏度`, 'gu');
const CELSIUS_PART = new RegExp(`${CN}(?=摄氏度)`, 'gu');
const NUMBER = new RegExp(CN, 'gu');

const smart = (text: string): string => pyNumberString(cn2anSmart(text));

/** Apply `convert` to a match; like cn2an, keep the match unchanged when conversion fails. */
function safely(match: string, convert: (text: string) => string): string {
  if (!match) return match;
  try {
    return convert(match);
  } catch {
    return match;
  }
}

/**
 * cn2an 0.5.22 `transform(text, "cn2an")`: replace 廿/半/两, then convert dates, fractions, percents,
 * temperatures and plain numbers written in Chinese numerals to Arabic digits.
 * `transform('有期徒刑一年六个月')` → `'有期徒刑1年6个月'`.
 */
export function cn2anTransform(input: string): string {
  let text = input.replaceAll('廿', '二十').replaceAll('半', '0.5').replaceAll('两', '2');
  text = text.replace(DATE, (match) => safely(match, (m) => m.replace(DATE_PART, smart)));
  text = text.replace(FRACTION, (match) =>
    safely(match, (m) => {
      if (m[0] === '百') return m;
      const parts = m.replace(NUMBER, smart).split('分之');
      if (parts.length !== 2) throw new Error('bad fraction');
      return `${parts[1]}/${parts[0]}`;
    }),
  );
  text = text.replace(PERCENT, (match) =>
    safely(match, (m) => `${m.replace(PERCENT_PART, smart).replaceAll('百分之', '')}%`),
  );
  text = text.replace(CELSIUS, (match) =>
    safely(match, (m) => m.replace(CELSIUS_PART, smart).replaceAll('摄氏度', '℃')),
  );
  return text.replace(NUMBER, (match) => safely(match, smart));
}
