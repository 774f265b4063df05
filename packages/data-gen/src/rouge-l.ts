import { createRequire } from 'node:module';
import { lcsLength } from '@lawgpt/common';

export { lcsLength };

/** How Chinese text is split into ROUGE tokens: jieba words, single characters, or a function. */
export type ChineseTokenizer = 'jieba' | 'char' | ((text: string) => string[]);

interface JiebaInstance {
  cut(sentence: string, hmm?: boolean): string[];
}
let jieba: JiebaInstance | undefined;

/** The shared jieba segmenter (loaded on first use with its default dictionary). */
function jiebaInstance(): JiebaInstance {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): JiebaInstance } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

// Tokens made only of punctuation, symbols or spaces carry no content.
const CONTENT = /[\p{L}\p{N}]/u;

/**
 * Split text into ROUGE tokens. `char`: every CJK character alone, runs of Latin letters/digits as one
 * lower-cased token; `jieba`: jieba words (HMM off), lower-cased. Punctuation and spaces are dropped.
 */
export function tokenizeChinese(text: string, tokenizer: ChineseTokenizer = 'jieba'): string[] {
  if (typeof tokenizer === 'function') return tokenizer(text);
  if (tokenizer === 'char') return text.toLowerCase().match(/[a-z0-9]+|[\p{L}\p{N}]/gu) ?? [];
  return jiebaInstance()
    .cut(text, false)
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
