import {
  type CognitiveLevel,
  LAWBENCH_TASK_INFO,
  LAWBENCH_TASKS,
  type LawBenchTaskId,
} from '../lawbench-tasks.js';
import { type PublishedResult, publishedScores } from '../published-results.js';
import type { LawBenchResults } from '../score-lawbench.js';

/** Options of the report renderers and of {@link compareLawBench}. */
export interface ReportOptions {
  /** Name of the evaluated model (column header). Default `'ours'`. */
  model?: string;
  /** Published rows (`readPublishedResults`) holding the models named in `compareWith`. */
  published?: PublishedResult[];
  /** Published models shown beside ours, e.g. `['GPT4']`. */
  compareWith?: string[];
  /**
   * Also show each column's average over all of its own tasks (the published AVG for a published model),
   * labelled as such. These are not comparable across columns when the task sets differ. Default false.
   */
  allTasks?: boolean;
}

/** One column of a report: our scores or a published model's. */
export interface ReportColumn {
  name: string;
  /** `scored`: the results given to the renderer; `published`: rows of the published csv. */
  source: 'scored' | 'published';
  scores: Partial<Record<LawBenchTaskId, number>>;
  abstention: Partial<Record<LawBenchTaskId, number>>;
  /** Tasks this column has a score for, in table order. */
  tasks: LawBenchTaskId[];
}

/** One average (overall or of a cognitive level) for every column. */
export interface ReportAverage {
  key: CognitiveLevel | 'average';
  /** Per column (same order as `columns`): the mean, the tasks it is over, and the mean abstention. */
  values: Array<{ value?: number; abstention?: number; tasks: LawBenchTaskId[] }>;
}

/** Everything a report shows, with the averages computed over one task set for every column. */
export interface LawBenchComparison {
  columns: ReportColumn[];
  /** Tasks that every column has a score for: the averages cover these and only these. */
  commonTasks: LawBenchTaskId[];
  /** The other LawBench tasks, with the columns lacking each. */
  excludedTasks: Array<{ task: LawBenchTaskId; missingIn: string[] }>;
  /** Level and overall averages over `commonTasks` (comparable across columns). */
  averages: ReportAverage[];
  /** With `allTasks`: each column's averages over its own tasks (published AVG); else empty. */
  allTaskAverages: ReportAverage[];
}

const LEVELS: CognitiveLevel[] = ['memorization', 'understanding', 'applying'];

function mean(values: number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

function averageOver(column: ReportColumn, tasks: LawBenchTaskId[]): ReportAverage['values'][number] {
  const covered = tasks.filter((task) => column.scores[task] !== undefined);
  const abstentions = covered
    .map((task) => column.abstention[task])
    .filter((value): value is number => value !== undefined);
  return {
    value: mean(covered.map((task) => column.scores[task]!)),
    abstention: abstentions.length === covered.length ? mean(abstentions) : undefined,
    tasks: covered,
  };
}

function averages(columns: ReportColumn[], taskSet: (column: ReportColumn) => LawBenchTaskId[]) {
  const rows: ReportAverage[] = LEVELS.map((level) => ({
    key: level,
    values: columns.map((column) =>
      averageOver(
        column,
        taskSet(column).filter((task) => LAWBENCH_TASK_INFO[task].level === level),
      ),
    ),
  }));
  rows.push({ key: 'average', values: columns.map((column) => averageOver(column, taskSet(column))) });
  return rows;
}

/**
 * The columns of a report (ours, then each compared published model) and their averages over the
 * tasks that every column has, so that no average mixes different task sets.
 */
export function compareLawBench(results: LawBenchResults, options: ReportOptions = {}): LawBenchComparison {
  const { model = 'ours', published = [], compareWith = [], allTasks = false } = options;
  const ours: ReportColumn = { name: model, source: 'scored', scores: {}, abstention: {}, tasks: [] };
  for (const task of LAWBENCH_TASKS) {
    const result = results.tasks[task];
    if (!result) continue;
    ours.scores[task] = result.score;
    ours.abstention[task] = result.abstentionRate;
    ours.tasks.push(task);
  }
  const columns = [ours];
  for (const name of compareWith) {
    const rows = publishedScores(published, name);
    // our column may carry the same name (a folder named after the model): mark the published one
    const label = name === model ? `${name} (published)` : name;
    const column: ReportColumn = { name: label, source: 'published', scores: {}, abstention: {}, tasks: [] };
    for (const task of LAWBENCH_TASKS) {
      if (!rows[task]) continue;
      column.scores[task] = rows[task].score;
      column.abstention[task] = rows[task].abstentionRate;
      column.tasks.push(task);
    }
    columns.push(column);
  }
  const commonTasks = LAWBENCH_TASKS.filter((task) =>
    columns.every((column) => column.scores[task] !== undefined),
  );
  const excludedTasks = LAWBENCH_TASKS.filter((task) => !commonTasks.includes(task)).map((task) => ({
    task,
    missingIn: columns.filter((column) => column.scores[task] === undefined).map((column) => column.name),
  }));
  return {
    columns,
    commonTasks,
    excludedTasks,
    averages: averages(columns, () => commonTasks),
    allTaskAverages: allTasks ? averages(columns, (column) => column.tasks) : [],
  };
}

/** `2 tasks`, `1 task`. */
export function taskCount(count: number): string {
  return `${count} task${count === 1 ? '' : 's'}`;
}

/** Label of an average row, with the number of tasks it covers. */
export function averageLabel(row: ReportAverage, kind: 'common' | 'all'): string {
  const name = row.key === 'average' ? 'average' : `${row.key} average`;
  if (kind === 'all') return `${name} over all own tasks`;
  return `${name} (${taskCount(row.values[0]?.tasks.length ?? 0)})`;
}

/** One sentence saying which tasks the averages cover and which are left out, and why. */
export function coverageNote(comparison: LawBenchComparison): string {
  const { commonTasks, excludedTasks, columns } = comparison;
  const who = columns.length > 1 ? 'every column has' : `${columns[0].name} has`;
  let note = `Averages cover the ${taskCount(commonTasks.length)} that ${who}: ${commonTasks.join(', ') || 'none'}.`;
  if (excludedTasks.length) {
    const left = excludedTasks.map(({ task, missingIn }) => `${task} (none for ${missingIn.join(', ')})`);
    note += ` Left out of the averages: ${left.join(', ')}.`;
  }
  return note;
}
