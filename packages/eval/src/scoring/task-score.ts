import type { LawBenchPrediction } from '../lawbench-predictions.js';

/** Score of one task, as LawBench reports it. */
export interface TaskScore {
  /** The task metric in [0, 1] (3-4/3-5 can go below 0, as upstream). */
  score: number;
  /** Share of the items where the model gave no usable answer (always divided by all items). */
  abstentionRate: number;
  /** Number of items in the prediction file. */
  n: number;
}

/** Label vocabularies from `scorer-data/labels.json`. */
export type LabelLists = Record<string, string[]>;

/** What a task scorer needs besides the predictions. */
export interface ScorerContext {
  labels: LabelLists;
  /** Directory with LawBench's `scorer-data` (labels.json, cilin.txt, confusion_dict.txt). */
  scorerDataDir: string;
}

/** A task scorer. */
export type TaskScorer = (
  items: LawBenchPrediction[],
  context: ScorerContext,
) => TaskScore | Promise<TaskScore>;

/** Mean of `values` (0 for none). */
export function mean(values: number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
