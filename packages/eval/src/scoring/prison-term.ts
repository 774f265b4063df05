import { cn2anTransform } from '../cn2an/transform.js';
import { pyNumber } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import type { TaskScore } from './task-score.js';

const MAX_DISTANCE = Math.log(216);

/** Months LawBench's 3-4/3-5 scorer reads from a prediction, or `undefined` (abstention). */
export function extractPrisonMonths(prediction: string): number | undefined {
  const text = cn2anTransform(prediction);
  const months = [...text.matchAll(/(\p{Nd}+)个月/gu), ...text.matchAll(/(\p{Nd}+)月/gu)];
  if (months.length > 0) return pyNumber(months[0][1]);
  const years = [...text.matchAll(/(\p{Nd}+)年/gu)];
  if (years.length > 0) return pyNumber(years[0][1]) * 12;
  return undefined;
}

/** Gold months between `刑期:` and `个月`, or `undefined` for 死刑/无期 items (skipped). */
function goldMonths(answer: string): number | undefined {
  if (answer.includes('死刑') || answer.includes('无期')) return undefined;
  const start = answer.indexOf('刑期:') + '刑期:'.length;
  return Number.parseInt(answer.slice(start, answer.indexOf('个月')).trim(), 10);
}

/** 3-4 / 3-5 prison term: (ln 216 − mean |ln(gold+1) − ln(pred+1)|) / ln 216; abstention counts ln 216. */
export function scorePrisonTerm(items: LawBenchPrediction[]): TaskScore {
  let distanceSum = 0;
  let counted = 0;
  let abstained = 0;
  for (const item of items) {
    const gold = goldMonths(item.refr);
    if (gold === undefined) continue;
    const predicted = extractPrisonMonths(item.prediction);
    counted += 1;
    if (predicted === undefined) {
      abstained += 1;
      distanceSum += MAX_DISTANCE;
    } else {
      distanceSum += Math.abs(Math.log(gold + 1) - Math.log(predicted + 1));
    }
  }
  const meanDistance = counted > 0 ? distanceSum / counted : 0;
  return {
    score: (MAX_DISTANCE - meanDistance) / MAX_DISTANCE,
    abstentionRate: abstained / items.length,
    n: items.length,
  };
}
