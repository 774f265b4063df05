import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { charF1 } from './char-f1.js';
import { mean, type TaskScore } from './task-score.js';

/** Positional soft-F1 of one trigger-extraction item (pairs zipped by position). */
export function triggerSoftF1(answer: string, prediction: string): number {
  const answers = answer.split(';');
  const predictions = prediction.split(';');
  let inter = 0;
  const pairs = Math.min(answers.length, predictions.length);
  for (let i = 0; i < pairs; i++) inter += charF1(answers[i], predictions[i]);
  const precision = inter / predictions.length;
  const recall = inter / answers.length;
  return (2 * precision * recall) / (precision + recall + 1e-10);
}

/** 2-10 trigger word extraction. */
export function scoreTriggerExtraction(items: LawBenchPrediction[]): TaskScore {
  const scores = items.map((item) => triggerSoftF1(item.refr, item.prediction));
  return { score: mean(scores), abstentionRate: 0, n: items.length };
}
