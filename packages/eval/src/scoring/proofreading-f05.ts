import type { LawBenchPrediction } from '../lawbench-predictions.js';
import type { ScorerContext, TaskScore } from './task-score.js';

/** 2-1 proofreading: ChERRANT char-level F0.5 (placeholder replaced below). */
export async function scoreProofreading(items: LawBenchPrediction[], _context: ScorerContext): Promise<TaskScore> {
  return { score: Number.NaN, abstentionRate: 0, n: items.length };
}
