/**
 * Python `str` semantics the upstream scorer relies on, for JavaScript strings.
 * Python indexes by code point; JavaScript by UTF-16 unit — helpers here work on code points.
 */
import { PY_SPACE } from '@lawgpt/common';

const SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'u');
const ONE_SPACE = new RegExp(`^[${PY_SPACE}]$`);

/** Python `s.split()` (no argument): split on whitespace runs, drop empty strings. */
export function pySplitWhitespace(text: string): string[] {
  return text.split(SPACE_RUN).filter((part) => part.length > 0);
}

/** Python `s.strip()` (no argument). */
export function pyStrip(text: string): string {
  let start = 0;
  while (start < text.length && ONE_SPACE.test(text[start])) start++;
  return start === text.length ? '' : pyRstrip(text.slice(start));
}

/** Python `s.rstrip()` (no argument); all Python whitespace is in the BMP, so UTF-16 units suffice. */
export function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && ONE_SPACE.test(text[end - 1])) end--;
  return text.slice(0, end);
}

/** True when `ch` is Python whitespace. */
export function pyIsSpace(ch: string): boolean {
  return SPACE_RUN.test(ch);
}

/** Characters whose Unicode Numeric_Type is Digit but that are not decimal digits (Python `isdigit()` is true). */
const EXTRA_DIGITS =
  '\\u00b2\\u00b3\\u00b9\\u2070\\u2074-\\u2079\\u2080-\\u2089\\u2460-\\u2468\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792\\u{1f100}-\\u{1f10a}';
const DIGIT_OR_ALPHA = new RegExp(`^[\\p{L}\\p{Nd}${EXTRA_DIGITS}]$`, 'u');

/** Python `ch.isdigit() or ch.isalpha()` for one code point. */
export function pyIsDigitOrAlpha(ch: string): boolean {
  return DIGIT_OR_ALPHA.test(ch);
}

/** Code points of `text` (Python's view of a string). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Python `int()` / `float()` of a string of Unicode decimal digits (as matched by Python's `\d`). */
export function pyNumber(text: string): number {
  return Number(text.normalize('NFKC'));
}

/** Python's `\d` (Unicode decimal digit) as a regex source fragment; use with the `u` flag. */
export const PY_DIGIT = '\\p{Nd}';
