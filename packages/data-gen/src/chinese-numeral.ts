import {
  formatArticleLabel as formatArticleLabelCommon,
  formatChineseNumeral as formatChineseNumeralCommon,
  parseChineseNumeral as parseChineseNumeralCommon,
} from '@lawgpt/common';
import { DataGenParseError } from './errors.js';

/**
 * Parse a Chinese numeral as used in article numbers (`一千零五十`, `十二`, `两百`, `一〇五`) or ASCII digits.
 * Throws `DataGenParseError` for anything else. Supports values below 100,000 (`万` included).
 */
export function parseChineseNumeral(text: string): number {
  const value = parseChineseNumeralCommon(text);
  if (value === undefined)
    throw new DataGenParseError({ path: '<string>', message: `"${text}" is not a Chinese numeral` });
  return value;
}

/**
 * Write `value` (0 ≤ value < 100,000) as the Chinese numeral used in statute article numbers:
 * 10 → 十, 12 → 十二, 110 → 一百一十, 1001 → 一千零一, 1260 → 一千二百六十.
 */
export function formatChineseNumeral(value: number): string {
  const text = formatChineseNumeralCommon(value);
  if (text === undefined)
    throw new DataGenParseError({
      path: '<number>',
      message: `${value} cannot be written as an article numeral`,
    });
  return text;
}

/** `第一百三十三条之一` for `{ number: 133, suffix: 1 }`; suffix 0 means no `之X`. */
export function formatArticleLabel(number: number, suffix = 0): string {
  const label = formatArticleLabelCommon({ number, suffix });
  if (label === undefined)
    throw new DataGenParseError({
      path: '<number>',
      message: `${number}之${suffix} cannot be written as an article label`,
    });
  return label;
}
