import { jiebaCut, lcsLength } from '@lawgpt/common';
import { pyRstrip, pySplitWhitespace, pyStrip } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { mean, type TaskScore } from './task-score.js';

/** The LCS core, shared with data-gen (rouge_chinese's LCS is the plain token-equality one). */
export { lcsLength };

const SENTENCE_RULES: Array<[RegExp, string]> = [
  [/([。！？?])([^”’])/gu, '$1\n$2'],
  [/(\.{6})([^”’])/gu, '$1\n$2'],
  [/(…{2})([^”’])/gu, '$1\n$2'],
  [/([。！？?][”’])([^，。！？?])/gu, '$1\n$2'],
];

/**
 * rouge_chinese's tokens of one (already space-segmented) text: sentence split (four substitutions, then Python's
 * `rstrip()` of the whole text, then `split("\n")`), non-empty segments whitespace-normalised, then `split(" ")`.
 * A whitespace-only segment inside the text still gives one empty token; trailing whitespace gives none.
 */
export function rougeTokens(text: string): string[] {
  let split = text;
  for (const [pattern, replacement] of SENTENCE_RULES) split = split.replace(pattern, replacement);
  const tokens: string[] = [];
  for (const sentence of pyRstrip(split).split('\n')) {
    if (sentence.length === 0) continue;
    for (const token of pySplitWhitespace(sentence).join(' ').split(' ')) tokens.push(token);
  }
  return tokens;
}

/** ROUGE-L F of two space-segmented texts, as rouge_chinese 1.0.3 computes it. */
export function rougeLF(hypothesis: string, reference: string): number {
  const hyp = rougeTokens(hypothesis);
  const ref = rougeTokens(reference);
  if (hyp.length === 0 || ref.length === 0) return 0;
  const lcs = lcsLength(hyp, ref);
  const precision = lcs / hyp.length;
  const recall = lcs / ref.length;
  return (2 * precision * recall) / (precision + recall + 1e-8);
}

/** LawBench's ROUGE-L of a prediction vs its reference: jieba words joined by spaces; empty hypothesis → `无内容`. */
export function lawbenchRougeL(prediction: string, reference: string): number {
  let hypothesis = jiebaCut(prediction).join(' ');
  if (pyStrip(hypothesis) === '') hypothesis = '无内容';
  return rougeLF(hypothesis, jiebaCut(reference).join(' '));
}

function scoreRouge(items: LawBenchPrediction[], referenceOf: (answer: string) => string): TaskScore {
  const scores = items.map((item) => lawbenchRougeL(item.prediction, referenceOf(item.refr)));
  return { score: mean(scores), abstentionRate: 0, n: items.length };
}

/** 1-1 article recitation (reference without its leading `答案:`). */
export function scoreArticleRecitation(items: LawBenchPrediction[]): TaskScore {
  return scoreRouge(items, (answer) => (answer.startsWith('答案:') ? answer.slice(3) : answer));
}

/** 2-7 opinion summarization, 3-2 scene-based article prediction, 3-8 consultation (reference as is). */
export function scoreRougeTask(items: LawBenchPrediction[]): TaskScore {
  return scoreRouge(items, (answer) => answer);
}
