import type { LawBenchResults } from '../score-lawbench.js';
import { compareLawBench, type ReportOptions } from './lawbench-comparison.js';
import { formatCell, pct, type ReportRow, reportHeader, reportNotes, reportRows } from './lawbench-report.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

const COLORS = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#6b7280'];

// Chart geometry in viewBox units; the SVG is drawn at its container's width (see the page's CSS).
const WIDTH = 860;
const LABEL_WIDTH = 250;
const RIGHT = 56;
const TOP = 30;
const BAR = 10;
const GAP = 2;
const PAD = 12;

/**
 * Horizontal grouped bars, one group per row (tasks, then the averages over the common tasks), one bar per
 * column. Labels sit left of the plot and values at the bar ends, all inside the viewBox.
 */
function barChart(rows: ReportRow[], series: string[]): string {
  const plot = WIDTH - LABEL_WIDTH - RIGHT;
  const barsHeight = series.length * (BAR + GAP) - GAP;
  const group = barsHeight + PAD;
  const height = TOP + rows.length * group + 6;
  const parts: string[] = [];
  for (const tick of [0, 25, 50, 75, 100]) {
    const x = LABEL_WIDTH + (tick / 100) * plot;
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${TOP - 6}" y2="${height - 6}" stroke="#e5e7eb"/>`,
      `<text class="tick" x="${x}" y="${TOP - 12}" font-size="11" text-anchor="middle">${tick}</text>`,
    );
  }
  rows.forEach((row, index) => {
    const y0 = TOP + index * group + PAD / 2;
    if (row.kind !== 'task' && rows[index - 1]?.kind === 'task') {
      parts.push(`<line x1="0" x2="${WIDTH}" y1="${y0 - PAD / 2}" y2="${y0 - PAD / 2}" stroke="#9ca3af"/>`);
    }
    parts.push(
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${y0 + barsHeight / 2}" font-size="13" text-anchor="end" dominant-baseline="middle">${escapeHtml(row.label)}</text>`,
    );
    row.cells.forEach(({ value }, s) => {
      if (value === undefined) return;
      const width = Math.max(0, Math.min(1, value)) * plot;
      const y = y0 + s * (BAR + GAP);
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${COLORS[s % COLORS.length]}"><title>${escapeHtml(`${series[s]} · ${row.label}: ${pct(value)}`)}</title></rect>`,
        `<text class="value" x="${(LABEL_WIDTH + width + 4).toFixed(1)}" y="${y + BAR / 2}" font-size="10" dominant-baseline="middle">${pct(value)}</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="LawBench scores ×100">${parts.join('')}</svg>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2em;line-height:1.4}
figure{margin:1em 0;max-width:1100px}
svg{display:block;width:100%;max-width:100%;height:auto}
.table{max-width:100%;overflow-x:auto}
table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:2px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}
tr.common td{font-weight:600}
tr.all td{color:#6b7280;font-style:italic}`;

/**
 * A self-contained HTML page (no external assets): the coverage note, a legend, an inline SVG bar chart
 * that scales to its container, and the table of {@link renderMarkdownReport}.
 */
export function renderHtmlReport(results: LawBenchResults, options: ReportOptions = {}): string {
  const comparison = compareLawBench(results, options);
  const model = comparison.columns[0].name;
  const rows = reportRows(comparison);
  const series = comparison.columns.map((column) => column.name);
  const legend = series
    .map((name, s) => `<span style="color:${COLORS[s % COLORS.length]}">■</span> ${escapeHtml(name)}`)
    .join(' &nbsp; ');
  const header = reportHeader(comparison)
    .map((cell) => `<th>${escapeHtml(cell)}</th>`)
    .join('');
  const body = rows
    .map((row) => {
      const [ours, ...others] = row.cells.map(formatCell);
      const cells = [ours, pct(row.abstention), ...others].map((cell) => `<td>${cell}</td>`).join('');
      return `<tr class="${row.kind}"><td>${escapeHtml(row.label)}</td>${cells}</tr>`;
    })
    .join('\n');
  const notes = reportNotes(comparison)
    .map((note) => `<p class="note">${escapeHtml(note)}</p>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LawBench report: ${escapeHtml(model)}</title>
<style>${STYLE}</style>
</head><body>
<h1>LawBench: ${escapeHtml(model)}</h1>
${notes}
<p class="legend">${legend}</p>
<figure>${barChart(
    rows.filter((row) => row.kind !== 'all'),
    series,
  )}</figure>
<div class="table"><table><thead><tr>${header}</tr></thead><tbody>
${body}
</tbody></table></div>
</body></html>
`;
}
