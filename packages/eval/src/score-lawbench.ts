import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalFileError, EvalOptionError } from './errors.js';
import { readPredictionFile } from './lawbench-predictions.js';
import {
  type CognitiveLevel,
  LAWBENCH_TASK_INFO,
  LAWBENCH_TASKS,
  type LawBenchTaskId,
} from './lawbench-tasks.js';
import type { LabelLists, ScorerContext, TaskScore } from './scoring/task-score.js';
import { TASK_SCORERS } from './scoring/task-scorers.js';

/** Options of {@link scoreLawBench}. */
export interface ScoreLawBenchOptions {
  /** Directory with one `<task>.json` prediction file per task (LawBench's `predictions/zero_shot/<model>/`). */
  predictionsDir: string;
  /**
   * LawBench data directory holding `scorer-data/` (labels.json and ChERRANT files).
   * Default: `$LAWBENCH_DATA_DIR`.
   */
  dataDir?: string;
  /** Tasks to score (default: every task that has a prediction file). */
  tasks?: string[];
  /** Called after each task with its score. */
  onProgress?: (event: { task: LawBenchTaskId; done: number; total: number; score: TaskScore }) => void;
}

/** Per-task score with its id. */
export interface LawBenchTaskResult extends TaskScore {
  task: LawBenchTaskId;
}

/** Scores of one model. */
export interface LawBenchResults {
  /** Scored tasks, keyed by id. */
  tasks: Partial<Record<LawBenchTaskId, LawBenchTaskResult>>;
  /** Plain mean of the scored tasks' scores (LawBench's AVG when all 20 are present). */
  average: number;
  /** Mean abstention rate of the scored tasks. */
  averageAbstention: number;
  /** Mean score per cognitive level (tasks 1-x, 2-x, 3-x), over the scored tasks of that level. */
  levels: Partial<Record<CognitiveLevel, number>>;
  /** Tasks asked for (or all 20) that had no prediction file. */
  missing: LawBenchTaskId[];
}

/** Read `scorer-data/labels.json` from a LawBench data directory. */
export async function loadLabelLists(dataDir: string): Promise<LabelLists> {
  const path = join(dataDir, 'scorer-data', 'labels.json');
  let parsed: { labels?: LabelLists };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new EvalFileError(`${path}: cannot read the label lists (${(error as Error).message})`, path);
  }
  if (!parsed.labels || typeof parsed.labels !== 'object') {
    throw new EvalFileError(`${path}: expected an object with a "labels" field`, path, undefined, 'labels');
  }
  return parsed.labels;
}

/**
 * Score LawBench predictions exactly as LawBench's own scorer does.
 * `await scoreLawBench({ predictionsDir: 'predictions/zero_shot/GPT4', dataDir })` → `{ tasks: { '1-2': { score, abstentionRate, n } }, average, ... }`.
 */
export async function scoreLawBench(options: ScoreLawBenchOptions): Promise<LawBenchResults> {
  const { predictionsDir, dataDir = process.env.LAWBENCH_DATA_DIR, tasks, onProgress } = options;
  if (!dataDir) {
    throw new EvalOptionError(
      'scoreLawBench needs dataDir (the LawBench data folder with scorer-data/) or $LAWBENCH_DATA_DIR',
      'dataDir',
      'a directory',
      dataDir,
    );
  }
  const wanted = selectTasks(tasks);
  const present = wanted.filter((task) => existsSync(join(predictionsDir, `${task}.json`)));
  if (present.length === 0) {
    const where = existsSync(predictionsDir) ? 'holds no' : 'does not exist, so it has no';
    throw new EvalFileError(
      `${predictionsDir}: ${where} prediction file (<task>.json for ${wanted.length === 20 ? '1-1 … 3-8' : wanted.join(', ')}); nothing to score`,
      predictionsDir,
    );
  }
  const context: ScorerContext = {
    labels: await loadLabelLists(dataDir),
    scorerDataDir: join(dataDir, 'scorer-data'),
  };
  const results: LawBenchResults['tasks'] = {};
  for (const task of present) {
    const path = join(predictionsDir, `${task}.json`);
    const items = await readPredictionFile(path);
    if (items.length === 0) throw new EvalFileError(`${path}: no predictions to score`, path);
    const score = await TASK_SCORERS[task](items, context);
    results[task] = { task, ...score };
    onProgress?.({ task, done: Object.keys(results).length, total: present.length, score });
  }
  return summarize(
    results,
    wanted.filter((task) => !present.includes(task)),
  );
}

/** Averages of a set of task results (NaN averages for an empty set; {@link scoreLawBench} never gives one). */
export function summarize(tasks: LawBenchResults['tasks'], missing: LawBenchTaskId[] = []): LawBenchResults {
  const scored = LAWBENCH_TASKS.filter((task) => tasks[task] !== undefined).map((task) => tasks[task]!);
  const average = (values: number[]) =>
    values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  const levels: LawBenchResults['levels'] = {};
  for (const level of ['memorization', 'understanding', 'applying'] as const) {
    const values = scored
      .filter((result) => LAWBENCH_TASK_INFO[result.task].level === level)
      .map((r) => r.score);
    if (values.length) levels[level] = average(values);
  }
  return {
    tasks,
    average: average(scored.map((result) => result.score)),
    averageAbstention: average(scored.map((result) => result.abstentionRate)),
    levels,
    missing,
  };
}

function selectTasks(tasks: string[] | undefined): LawBenchTaskId[] {
  if (!tasks) return [...LAWBENCH_TASKS];
  for (const task of tasks) {
    if (!(LAWBENCH_TASKS as readonly string[]).includes(task)) {
      throw new EvalOptionError(
        `unknown LawBench task "${task}" (expected one of 1-1 … 3-8)`,
        'tasks',
        '1-1 … 3-8',
        task,
      );
    }
  }
  return LAWBENCH_TASKS.filter((task) => tasks.includes(task));
}
