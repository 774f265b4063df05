// LawBench results as `lawgpt eval` prints them: a terminal table, or one of @lawgpt/eval's report formats.
import { join } from 'node:path';
import { writeFileAtomic } from '@lawgpt/data-gen';
import {
  LAWBENCH_TASK_INFO,
  LAWBENCH_TASKS,
  type LawBenchResults,
  readPublishedResults,
  renderCsvReport,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
} from '@lawgpt/eval';
import type { CommandIO } from '../command.js';
import type { ReportOptions } from './eval-options.js';

/** The terminal table: score, abstention and n per task, then the level and overall averages. */
export function formatResultsTable(results: LawBenchResults): string {
  const lines = ['task  score   abstention  n    name'];
  for (const task of LAWBENCH_TASKS) {
    const result = results.tasks[task];
    if (!result) continue;
    const score = (result.score * 100).toFixed(2).padStart(6);
    const abstention = (result.abstentionRate * 100).toFixed(2).padStart(6);
    lines.push(
      `${task.padEnd(5)} ${score}  ${abstention}     ${String(result.n).padEnd(4)} ${LAWBENCH_TASK_INFO[task].name}`,
    );
  }
  for (const [level, value] of Object.entries(results.levels))
    lines.push(`${level} average: ${(value * 100).toFixed(2)}`);
  lines.push(
    `average: ${(results.average * 100).toFixed(2)} over ${Object.keys(results.tasks).length} tasks`,
  );
  if (results.missing.length) lines.push(`no predictions for: ${results.missing.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** The report in `report.format`, beside the published models named in `report.compareWith`. */
export async function renderResults(
  results: LawBenchResults,
  report: ReportOptions,
  dataDir: string,
): Promise<string> {
  const { format, name: model, compareWith, allTasks } = report;
  if (format === 'text') return formatResultsTable(results);
  const published = compareWith.length
    ? await readPublishedResults(join(dataDir, 'predictions', 'results_zero_shot.csv'))
    : [];
  const options = { model, published, compareWith, allTasks };
  if (format === 'json') return renderJsonReport(results, options);
  if (format === 'csv') return renderCsvReport(results, options);
  if (format === 'html') return renderHtmlReport(results, options);
  return renderMarkdownReport(results, options);
}

/** Writes `text` to `report.file` atomically (saying so on stderr), or to stdout. */
export async function writeReport(text: string, report: ReportOptions, io: CommandIO): Promise<void> {
  if (report.file === undefined) {
    io.stdout(text);
    return;
  }
  await writeFileAtomic(report.file, text);
  io.stderr(`wrote ${report.file}\n`);
}
