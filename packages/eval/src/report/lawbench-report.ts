import { LAWBENCH_TASK_INFO, LAWBENCH_TASKS } from '../lawbench-tasks.js';
import type { LawBenchResults } from '../score-lawbench.js';
import {
  averageLabel,
  compareLawBench,
  coverageNote,
  type LawBenchComparison,
  type ReportAverage,
  type ReportOptions,
  taskCount,
} from './lawbench-comparison.js';

/** Score ×100 with two decimals, `—` when absent. */
export const pct = (value: number | undefined) => (value === undefined ? '—' : (value * 100).toFixed(2));

/** A table row of a report: a task, or an average (over the common tasks, or each column's own with `all`). */
export interface ReportRow {
  label: string;
  /** Per column: the score (and for averages over each column's own tasks, how many tasks). */
  cells: Array<{ value?: number; count?: number }>;
  /** Our abstention rate. */
  abstention?: number;
  kind: 'task' | 'common' | 'all';
}

/** Task rows, then the comparable averages, then (with `allTasks`) each column's own averages. */
export function reportRows(comparison: LawBenchComparison): ReportRow[] {
  const { columns } = comparison;
  const rows: ReportRow[] = LAWBENCH_TASKS.map((task) => ({
    label: `${task} ${LAWBENCH_TASK_INFO[task].name}`,
    cells: columns.map((column) => ({ value: column.scores[task] })),
    abstention: columns[0].abstention[task],
    kind: 'task',
  }));
  const averageRow = (row: ReportAverage, kind: 'common' | 'all'): ReportRow => ({
    label: averageLabel(row, kind),
    cells: row.values.map(({ value, tasks }) =>
      kind === 'all' ? { value, count: tasks.length } : { value },
    ),
    abstention: row.values[0]?.abstention,
    kind,
  });
  rows.push(...comparison.averages.map((row) => averageRow(row, 'common')));
  rows.push(...comparison.allTaskAverages.map((row) => averageRow(row, 'all')));
  return rows;
}

/** A cell: the score, with the task count for averages over each column's own tasks. */
export function formatCell(cell: ReportRow['cells'][number]): string {
  return cell.count === undefined || cell.value === undefined
    ? pct(cell.value)
    : `${pct(cell.value)} (${cell.count})`;
}

/** Column headers: task, ours with its task count, abstention, each compared model with its task count. */
export function reportHeader(comparison: LawBenchComparison): string[] {
  const [ours, ...others] = comparison.columns.map(
    (column) => `${column.name} (${taskCount(column.tasks.length)})`,
  );
  return ['task', ours, 'abstention', ...others];
}

/** The notes under a report's title: scale, which tasks the averages cover, what the all-tasks rows are. */
export function reportNotes(comparison: LawBenchComparison): string[] {
  const notes = ['Scores ×100.', coverageNote(comparison)];
  if (comparison.allTaskAverages.length) {
    notes.push(
      'Rows "over all own tasks" average each column over every task it has (for a published model, its ' +
        'published AVG), with the task count in brackets; they are not comparable when the counts differ.',
    );
  }
  return notes;
}

/**
 * Markdown: the coverage note, then a table of tasks, level and overall averages over the tasks every
 * column has (task counts in the headers), our abstention, and each compared published model.
 */
export function renderMarkdownReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const comparison = compareLawBench(results, options);
  const header = reportHeader(comparison);
  const lines = [reportNotes(comparison).join(' '), '', `| ${header.join(' | ')} |`];
  lines.push(`|${header.map(() => '---').join('|')}|`);
  for (const row of reportRows(comparison)) {
    const [ours, ...others] = row.cells.map(formatCell);
    lines.push(`| ${[row.label, ours, pct(row.abstention), ...others].join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** `[1-1 1-2 …]`: the tasks of an average, inside its csv task field (no commas, so the layout holds). */
const taskList = (tasks: string[]) => `[${tasks.join(' ')}]`;

/**
 * CSV in LawBench's own layout, `task,model_name,score,abstention_rate`: each column's task rows, then
 * its averages, whose task field names the tasks they cover, e.g. `average [1-1 1-2 …]`.
 */
export function renderCsvReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const comparison = compareLawBench(results, options);
  const lines = ['task,model_name,score,abstention_rate'];
  const value = (number: number | undefined) => (number === undefined ? '' : String(number));
  comparison.columns.forEach((column, index) => {
    for (const task of column.tasks)
      lines.push(`${task},${column.name},${column.scores[task]},${value(column.abstention[task])}`);
    const rows = [
      ...comparison.averages.map((row) => ({ row, prefix: '' })),
      ...comparison.allTaskAverages.map((row) => ({ row, prefix: 'all own tasks ' })),
    ];
    for (const { row, prefix } of rows) {
      const average = row.values[index];
      if (average.value === undefined) continue;
      const name = row.key === 'average' ? 'average' : `${row.key} average`;
      lines.push(
        `${prefix}${name} ${taskList(average.tasks)},${column.name},${average.value},${value(average.abstention)}`,
      );
    }
  });
  return `${lines.join('\n')}\n`;
}

/**
 * JSON: our per-task results, the tasks the averages cover (`averagedOver`), the comparable averages of
 * every column, each column's own-task averages with `allTasks`, and the compared published scores.
 * `average`, `averageAbstention` and `levels` are ours over `averagedOver`.
 */
export function renderJsonReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const comparison = compareLawBench(results, options);
  const summarize = (rows: ReportAverage[], index: number) =>
    Object.fromEntries(
      rows.map((row) => [
        row.key,
        { value: row.values[index].value ?? null, tasks: row.values[index].tasks },
      ]),
    );
  const overall = comparison.averages.find((row) => row.key === 'average')!.values[0];
  const levels = Object.fromEntries(
    comparison.averages
      .filter((row) => row.key !== 'average' && row.values[0].value !== undefined)
      .map((row) => [row.key, row.values[0].value]),
  );
  const json = {
    model: comparison.columns[0].name,
    tasks: results.tasks,
    missing: results.missing,
    averagedOver: comparison.commonTasks,
    notAveraged: comparison.excludedTasks,
    average: overall.value ?? null,
    averageAbstention: overall.abstention ?? null,
    levels,
    columns: comparison.columns.map((column, index) => ({
      model: column.name,
      source: column.source,
      taskCount: column.tasks.length,
      averages: summarize(comparison.averages, index),
      ...(comparison.allTaskAverages.length && {
        allTaskAverages: summarize(comparison.allTaskAverages, index),
      }),
    })),
    compared: Object.fromEntries(comparison.columns.slice(1).map((column) => [column.name, column.scores])),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
