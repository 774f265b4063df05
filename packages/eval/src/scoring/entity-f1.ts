import { pyStrip } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { charF1 } from './char-f1.js';
import { mean, type ScorerContext, type TaskScore } from './task-score.js';

/** Entities per type that LawBench's 2-6 scorer reads from a prediction (last occurrence wins). */
export function extractEntities(prediction: string, types: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const type of types) {
    let from = prediction.indexOf(type);
    while (from !== -1) {
      const end = from + type.length;
      from = prediction.indexOf(type, end);
      if (end >= prediction.length - 2) continue;
      const next = prediction[end];
      if (next !== ':' && next !== '：') continue;
      const value = pyStrip(pyStrip(prediction.slice(end + 1)).split(/\n| /)[0]);
      if (value === '无' || value === '未提及') continue;
      found.set(type, value);
    }
  }
  return found;
}

function goldEntities(answer: string): Map<string, string> {
  const gold = new Map<string, string>();
  if (answer === '') return gold;
  for (const segment of answer.split(';')) {
    const parts = segment.split(':');
    gold.set(parts[0], parts[1] ?? '');
  }
  return gold;
}

/** Soft-F1 of one NER item. */
export function entitySoftF1(gold: Map<string, string>, predicted: Map<string, string>): number {
  if (gold.size === 0) return predicted.size === 0 ? 1 : 0;
  let inter = 0;
  for (const [type, value] of predicted) if (gold.has(type)) inter += charF1(gold.get(type)!, value);
  const precision = predicted.size > 0 ? inter / predicted.size : 0;
  const recall = inter / gold.size;
  return (2 * precision * recall) / (precision + recall + 1e-10);
}

/** 2-6 named entity recognition: soft-F1 over entity types, averaged; abstention recorded as 0 (as upstream). */
export function scoreEntityRecognition(items: LawBenchPrediction[], context: ScorerContext): TaskScore {
  const types = context.labels['2-6'];
  const scores = items.map((item) =>
    entitySoftF1(goldEntities(item.refr), extractEntities(item.prediction, types)),
  );
  return { score: mean(scores), abstentionRate: 0, n: items.length };
}
