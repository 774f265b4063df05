import { pyIsDigitOrAlpha } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { mean, type TaskScore } from './task-score.js';

/** Lower-case and keep only letters and digits (Python `isdigit() or isalpha()`), as characters. */
export function normalizeChars(text: string): string[] {
  return Array.from(text.toLowerCase()).filter(pyIsDigitOrAlpha);
}

/** Character-level F1 of LawBench's reading-comprehension scorer. */
export function charF1(gold: string, prediction: string): number {
  const goldChars = normalizeChars(gold);
  const predChars = normalizeChars(prediction);
  if (goldChars.length === 0 || predChars.length === 0) return goldChars.length === predChars.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const ch of goldChars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let common = 0;
  for (const ch of predChars) {
    const left = counts.get(ch) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(ch, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predChars.length;
  const recall = common / goldChars.length;
  return (2 * precision * recall) / (precision + recall);
}

/** 2-5 reading comprehension: char-F1 against the answer without `回答:`. */
export function scoreReadingComprehension(items: LawBenchPrediction[]): TaskScore {
  const scores = items.map((item) => charF1(item.refr.replaceAll('回答:', ''), item.prediction));
  return { score: mean(scores), abstentionRate: 0, n: items.length };
}
