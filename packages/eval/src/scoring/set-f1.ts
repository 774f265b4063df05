import { codePoints } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { mean, type ScorerContext, type TaskScore } from './task-score.js';

/** F1 of two sets as upstream computes it (0 when a denominator or P+R is 0). */
export function setF1<T>(predicted: Set<T>, gold: Set<T>): number {
  let common = 0;
  for (const value of predicted) if (gold.has(value)) common += 1;
  const precision = predicted.size > 0 ? common / predicted.size : 0;
  const recall = gold.size > 0 ? common / gold.size : 0;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Labels "predicted" by substring presence (a label inside a longer label counts too, as upstream). */
export function labelsIn(prediction: string, labels: readonly string[]): Set<string> {
  return new Set(labels.filter((label) => prediction.includes(label)));
}

function scoreSets(
  items: LawBenchPrediction[],
  labels: string[],
  goldOf: (answer: string) => string[],
): TaskScore {
  const scores: number[] = [];
  let abstained = 0;
  for (const item of items) {
    const predicted = labelsIn(item.prediction, labels);
    if (predicted.size === 0) abstained += 1;
    scores.push(setF1(predicted, new Set(goldOf(item.refr))));
  }
  return { score: mean(scores), abstentionRate: abstained / items.length, n: items.length };
}

/** 2-3 marital disputes: gold = answer[3:-1].split("、"). */
export function scoreMaritalDisputes(items: LawBenchPrediction[], context: ScorerContext): TaskScore {
  return scoreSets(items, context.labels['2-3'], (answer) =>
    codePoints(answer).slice(3, -1).join('').split('、'),
  );
}

/** 2-9 event detection: gold = answer.split(";"). */
export function scoreEventDetection(items: LawBenchPrediction[], context: ScorerContext): TaskScore {
  return scoreSets(items, context.labels['2-9'], (answer) => answer.split(';'));
}

/** 3-3 charge prediction: gold = answer.replace("罪名:", "").split(";"). */
export function scoreChargePrediction(items: LawBenchPrediction[], context: ScorerContext): TaskScore {
  return scoreSets(items, context.labels['3-3'], (answer) => answer.replaceAll('罪名:', '').split(';'));
}
