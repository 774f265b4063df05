import { LAWBENCH_TASK_INFO, LAWBENCH_TASKS, type LawBenchTaskId } from '../lawbench-tasks.js';
import { type PublishedResult, publishedScores } from '../published-results.js';
import type { LawBenchResults } from '../score-lawbench.js';

/** Options of the report renderers. */
export interface ReportOptions {
  /** Name of the evaluated model (column header). */
  model?: string;
  /** Published rows (`readPublishedResults`) and the models to show beside ours. */
  published?: PublishedResult[];
  compareWith?: string[];
}

interface Row {
  task: LawBenchTaskId | 'memorization' | 'understanding' | 'applying' | 'average';
  label: string;
  ours?: number;
  abstention?: number;
  others: Array<number | undefined>;
}

function rows(results: LawBenchResults, options: ReportOptions): Row[] {
  const others = (options.compareWith ?? []).map((model) => publishedScores(options.published ?? [], model));
  const mean = (values: Array<number | undefined>) => {
    const present = values.filter((value): value is number => value !== undefined);
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : undefined;
  };
  const table: Row[] = LAWBENCH_TASKS.map((task) => ({
    task,
    label: `${task} ${LAWBENCH_TASK_INFO[task].name}`,
    ours: results.tasks[task]?.score,
    abstention: results.tasks[task]?.abstentionRate,
    others: others.map((scores) => scores[task]?.score),
  }));
  for (const level of ['memorization', 'understanding', 'applying'] as const) {
    const tasks = LAWBENCH_TASKS.filter((task) => LAWBENCH_TASK_INFO[task].level === level);
    table.push({
      task: level,
      label: `${level} average`,
      ours: results.levels[level],
      others: others.map((scores) => mean(tasks.map((task) => scores[task]?.score))),
    });
  }
  table.push({
    task: 'average',
    label: 'average',
    ours: Number.isNaN(results.average) ? undefined : results.average,
    abstention: Number.isNaN(results.averageAbstention) ? undefined : results.averageAbstention,
    others: others.map((scores) => mean(LAWBENCH_TASKS.map((task) => scores[task]?.score))),
  });
  return table;
}

const pct = (value: number | undefined) => (value === undefined ? '—' : (value * 100).toFixed(2));

/** Markdown table: task, our score and abstention (×100), then each compared published model. */
export function renderMarkdownReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const { model = 'ours', compareWith = [] } = options;
  const header = ['task', model, 'abstention', ...compareWith];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows(results, options)) {
    lines.push(`| ${[row.label, pct(row.ours), pct(row.abstention), ...row.others.map(pct)].join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** CSV in LawBench's own layout: `task,model_name,score,abstention_rate`. */
export function renderCsvReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const { model = 'ours' } = options;
  const lines = ['task,model_name,score,abstention_rate'];
  for (const task of LAWBENCH_TASKS) {
    const result = results.tasks[task];
    if (result) lines.push(`${task},${model},${result.score},${result.abstentionRate}`);
  }
  return `${lines.join('\n')}\n`;
}

/** JSON with the results, the level averages and the compared published scores. */
export function renderJsonReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const { model = 'ours', compareWith = [] } = options;
  const compared = Object.fromEntries(
    compareWith.map((name) => [
      name,
      Object.fromEntries(
        Object.entries(publishedScores(options.published ?? [], name)).map(([task, row]) => [
          task,
          row.score,
        ]),
      ),
    ]),
  );
  return `${JSON.stringify({ model, ...results, compared }, null, 2)}\n`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

/** A self-contained HTML page (no external assets) with the table and an inline SVG bar chart. */
export function renderHtmlReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const { model = 'ours', compareWith = [] } = options;
  const table = rows(results, options);
  const series = [model, ...compareWith];
  const colors = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#6b7280'];
  const barWidth = 10;
  const groupWidth = series.length * barWidth + 12;
  const chartHeight = 220;
  const width = table.length * groupWidth + 60;
  const bars: string[] = [];
  table.forEach((row, index) => {
    const values = [row.ours, ...row.others];
    const x0 = 50 + index * groupWidth;
    values.forEach((value, s) => {
      if (value === undefined) return;
      const height = Math.max(0, Math.min(1, value)) * chartHeight;
      bars.push(
        `<rect x="${x0 + s * barWidth}" y="${20 + chartHeight - height}" width="${barWidth - 1}" height="${height.toFixed(1)}" fill="${colors[s % colors.length]}"><title>${escapeHtml(`${series[s]} ${row.label}: ${pct(value)}`)}</title></rect>`,
      );
    });
    bars.push(
      `<text x="${x0 + (series.length * barWidth) / 2}" y="${chartHeight + 34}" font-size="9" text-anchor="end" transform="rotate(-45 ${x0 + (series.length * barWidth) / 2} ${chartHeight + 34})">${escapeHtml(String(row.task))}</text>`,
    );
  });
  const axis = [0, 25, 50, 75, 100]
    .map((tick) => {
      const y = 20 + chartHeight - (tick / 100) * chartHeight;
      return `<line x1="45" x2="${width}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="40" y="${y + 3}" font-size="9" text-anchor="end">${tick}</text>`;
    })
    .join('');
  const legend = series
    .map((name, s) => `<span style="color:${colors[s % colors.length]}">■</span> ${escapeHtml(name)}`)
    .join(' &nbsp; ');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${chartHeight + 80}" role="img" aria-label="LawBench scores">${axis}${bars.join('')}</svg>`;
  const header = ['task', model, 'abstention', ...compareWith]
    .map((cell) => `<th>${escapeHtml(cell)}</th>`)
    .join('');
  const body = table
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.label)}</td>${[row.ours, row.abstention, ...row.others].map((v) => `<td>${pct(v)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LawBench report: ${escapeHtml(model)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:right}td:first-child{text-align:left}</style>
</head><body>
<h1>LawBench: ${escapeHtml(model)}</h1>
<p>Scores ×100. Average ${pct(Number.isNaN(results.average) ? undefined : results.average)} over ${Object.keys(results.tasks).length} tasks.</p>
<p>${legend}</p>
${svg}
<table><thead><tr>${header}</tr></thead><tbody>
${body}
</tbody></table>
</body></html>
`;
}
