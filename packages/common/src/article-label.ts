import { CHINESE_NUMERAL_CHARS, formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';

/** An article of a statute: `第一百三十三条之一` is `{ number: 133, suffix: 1 }`. */
export interface ArticleNumber {
  /** The article number (133). */
  number: number;
  /** The `之X` part as a number; 0 when absent. */
  suffix: number;
}

/** Options of {@link formatArticleLabel}. */
export interface FormatArticleLabelOptions {
  /** The article number, 0 ≤ number < 100,000. */
  number: number;
  /** The `之X` part; 0 (the default) writes none. */
  suffix?: number;
}

/** `第一百三十三条之一` for `{ number: 133, suffix: 1 }`; `undefined` when a number cannot be written. */
export function formatArticleLabel({ number, suffix = 0 }: FormatArticleLabelOptions): string | undefined {
  const main = formatChineseNumeral(number);
  const tail = suffix > 0 ? formatChineseNumeral(suffix) : '';
  return main === undefined || tail === undefined ? undefined : `第${main}条${tail ? `之${tail}` : ''}`;
}

const LABEL = new RegExp(`^第?([${CHINESE_NUMERAL_CHARS}]+)条?(?:(?:之|-)([${CHINESE_NUMERAL_CHARS}]+))?$`);

/**
 * Parse an article reference written as a label or a shorthand: `第一百三十三条之一`, `第133条之1`, `133之一`,
 * `133-1`, `133`, `一百三十三`. `undefined` when it is none of these (or the number is 0).
 */
export function parseArticleLabel(text: string): ArticleNumber | undefined {
  const match = LABEL.exec(text.trim());
  if (!match) return undefined;
  const number = parseChineseNumeral(match[1]);
  const suffix = match[2] === undefined ? 0 : parseChineseNumeral(match[2]);
  if (number === undefined || number === 0 || suffix === undefined) return undefined;
  return { number, suffix };
}
