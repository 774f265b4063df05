import { pyNumber } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { mean, type TaskScore } from './task-score.js';

const NUMBER = /\p{Nd}+\.?\p{Nd}*/gu;

/** 3-7 criminal amount: correct when the gold amount is among the prediction's numbers; no digits → abstention. */
export function scoreCriminalAmount(items: LawBenchPrediction[]): TaskScore {
  const scores: number[] = [];
  let abstained = 0;
  for (const item of items) {
    const gold = Number(item.refr.replaceAll('上文涉及到的犯罪金额:', '').replaceAll('元。', '').trim());
    const numbers = (item.prediction.match(NUMBER) ?? []).map(pyNumber);
    if (numbers.length === 0) abstained += 1;
    scores.push(numbers.includes(gold) ? 1 : 0);
  }
  return { score: mean(scores), abstentionRate: abstained / items.length, n: items.length };
}
