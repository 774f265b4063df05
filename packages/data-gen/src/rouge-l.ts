import { jiebaCut, lcsLength } from '@lawgpt/common';

export { lcsLength };

/** How Chinese text is split into ROUGE tokens: jieba words, single characters, or a function. */
export type ChineseTokenizer = 'jieba' | 'char' | ((text: string) => string[]);

// Tokens made only of punctuation, symbols or spaces carry no content.
const CONTENT = /[\p{L}\p{N}]/u;

/**
 * Split text into ROUGE tokens. `char`: every CJK character alone, runs of Latin letters/digits as one
 * lower-cased token; `jieba`: jieba words as Python jieba 0.42.1's `cut(text, HMM=False)`, lower-cased. Punctuation and spaces are dropped.
 */
export function tokenizeChinese(text: string, tokenizer: ChineseTokenizer = 'jieba'): string[] {
  if (typeof tokenizer === 'function') return tokenizer(text);
  if (tokenizer === 'char') return text.toLowerCase().match(/[a-z0-9]+|[\p{L}\p{N}]/gu) ?? [];
  return jiebaCut(text, { hmm: false })
    .map((token) => token.trim().toLowerCase())
    .filter((token) => CONTENT.test(token));
}

/** ROUGE-L precision, recall and F1 of `candidate` against `reference` (token arrays). */
export function rougeL(
  candidate: readonly string[],
  reference: readonly string[],
): { precision: number; recall: number; f1: number } {
  const lcs = lcsLength(candidate, reference);
  if (lcs === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = lcs / candidate.length;
  const recall = lcs / reference.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

/** ROUGE-L F1 of two strings tokenised with {@link tokenizeChinese}. */
export function rougeLText(
  candidate: string,
  reference: string,
  tokenizer: ChineseTokenizer = 'jieba',
): number {
  return rougeL(tokenizeChinese(candidate, tokenizer), tokenizeChinese(reference, tokenizer)).f1;
}
