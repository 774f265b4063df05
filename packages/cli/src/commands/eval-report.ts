// LawBench results as `lawgpt eval` prints them: one of @lawgpt/eval's report formats, to a file or stdout.
import { join } from 'node:path';
import { writeFileAtomic } from '@lawgpt/common';
import {
  type LawBenchResults,
  readPublishedResults,
  renderCsvReport,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
  renderTextReport,
} from '@lawgpt/eval';
import type { CommandIO } from '../command.js';
import type { ReportOptions } from './eval-options.js';

/** The report in `report.format`, beside the published models named in `report.compareWith`. */
export async function renderResults(
  results: LawBenchResults,
  report: ReportOptions,
  dataDir: string,
): Promise<string> {
  const { format, name: model, compareWith, allTasks } = report;
  if (format === 'text') return renderTextReport(results);
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
  await writeFileAtomic({ path: report.file, data: text });
  io.stderr(`wrote ${report.file}\n`);
}
