import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { LAWBENCH_TASKS, type LawBenchTaskId } from '../lawbench-tasks.js';
import { type PublishedResult, publishedScores, readPublishedResults } from '../published-results.js';
import { type LawBenchResults, summarize } from '../score-lawbench.js';
import { renderHtmlReport } from './html-report.js';
import { compareLawBench } from './lawbench-comparison.js';
import { renderCsvReport, renderJsonReport, renderMarkdownReport } from './lawbench-report.js';

const results = summarize({
  '1-2': { task: '1-2', score: 0.5, abstentionRate: 0.1, n: 500 },
  '3-3': { task: '3-3', score: 0.25, abstentionRate: 0, n: 500 },
});
const published = [
  { task: '1-2', model: 'GPT4', score: 0.552, abstentionRate: 0 },
  { task: '3-3', model: 'GPT4', score: 0.4, abstentionRate: 0 },
];

// A published model with all 20 tasks (score = 0.3 + 0.02 · index) and ours with the same scores
// except that 2-9 and 2-10 have no predictions: over the same tasks the two averages must agree.
const full: PublishedResult[] = LAWBENCH_TASKS.map((task, index) => ({
  task,
  model: 'REF',
  score: 0.3 + 0.02 * index,
  abstentionRate: 0,
}));
const MISSING: LawBenchTaskId[] = ['2-9', '2-10'];
function oursFrom(rows: PublishedResult[], model: string): LawBenchResults {
  const scores = publishedScores(rows, model);
  const tasks: LawBenchResults['tasks'] = {};
  for (const task of LAWBENCH_TASKS) {
    if (MISSING.includes(task) || !scores[task]) continue;
    tasks[task] = { task, score: scores[task].score, abstentionRate: scores[task].abstentionRate, n: 500 };
  }
  return summarize(tasks, MISSING);
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('LawBench reports', () => {
  it('markdown lists tasks, level and overall averages beside a published model, with task counts', () => {
    const markdown = renderMarkdownReport(results, { model: 'mine', published, compareWith: ['GPT4'] });
    expect(markdown).toContain('| task | mine (2 tasks) | abstention | GPT4 (2 tasks) |');
    expect(markdown).toContain('| 1-2 知识问答 | 50.00 | 10.00 | 55.20 |');
    expect(markdown).toContain('| memorization average (1 task) | 50.00 | 10.00 | 55.20 |');
    expect(markdown).toContain('| average (2 tasks) | 37.50 | 5.00 | 47.60 |');
    expect(markdown).toContain('Averages cover the 2 tasks that every column has: 1-2, 3-3.');
  });

  it('csv uses LawBench layout, average rows naming their tasks; json round-trips', () => {
    expect(renderCsvReport(results, { model: 'm' })).toBe(
      [
        'task,model_name,score,abstention_rate',
        '1-2,m,0.5,0.1',
        '3-3,m,0.25,0',
        'memorization average [1-2],m,0.5,0.1',
        'applying average [3-3],m,0.25,0',
        'average [1-2 3-3],m,0.375,0.05',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(renderJsonReport(results, { model: 'm', published, compareWith: ['GPT4'] }));
    expect(json.average).toBe(0.375);
    expect(json.averagedOver).toEqual(['1-2', '3-3']);
    expect(json.compared.GPT4['1-2']).toBe(0.552);
    expect(json.columns[1].averages.average.value).toBeCloseTo(0.476, 12);
  });

  it('html is self-contained with an inline, container-wide SVG and a bar per score', () => {
    const html = renderHtmlReport(results, { model: 'm<1>', published, compareWith: ['GPT4'] });
    expect(html).toMatch(/<svg [^>]*viewBox="0 0 860 \d+"[^>]*width="100%"/);
    expect(html).toContain('svg{display:block;width:100%;max-width:100%;height:auto}');
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain('m&lt;1&gt;');
    // 2 tasks + 2 levels that have a task + the overall average, 2 columns each
    expect((html.match(/<rect /g) ?? []).length).toBe(2 * 5);
  });
});

describe('LawBench report averages with two tasks missing', () => {
  const ours = oursFrom(full, 'REF');
  const options = { model: 'ours', published: full, compareWith: ['REF'] };

  it('averages both columns over the same 18 tasks, so equal scores give equal averages', () => {
    const comparison = compareLawBench(ours, options);
    expect(comparison.commonTasks).toHaveLength(18);
    expect(comparison.excludedTasks).toEqual([
      { task: '2-9', missingIn: ['ours'] },
      { task: '2-10', missingIn: ['ours'] },
    ]);
    for (const row of comparison.averages) {
      const [mine, theirs] = row.values;
      expect(mine.tasks).toEqual(theirs.tasks);
      expect(mine.value).toBeCloseTo(theirs.value!, 12);
    }
    const overall = comparison.averages.find((row) => row.key === 'average')!.values[1];
    const expected = mean(
      full.filter((row) => !MISSING.includes(row.task as LawBenchTaskId)).map((r) => r.score),
    );
    expect(overall.value).toBeCloseTo(expected, 12);
    const understanding = comparison.averages.find((row) => row.key === 'understanding')!.values;
    expect(understanding[0].tasks).toHaveLength(8);
  });

  it("--all-tasks adds each column's own averages (18 vs 20 tasks), labelled, beside the comparable ones", () => {
    const markdown = renderMarkdownReport(ours, { ...options, allTasks: true });
    const line = (label: string) => markdown.split('\n').find((row) => row.startsWith(`| ${label} |`))!;
    const own = mean(full.filter((row) => !MISSING.includes(row.task as LawBenchTaskId)).map((r) => r.score));
    const all20 = mean(full.map((row) => row.score));
    expect(line('average (18 tasks)')).toBe(
      `| average (18 tasks) | ${(own * 100).toFixed(2)} | 0.00 | ${(own * 100).toFixed(2)} |`,
    );
    expect(line('average over all own tasks')).toBe(
      `| average over all own tasks | ${(own * 100).toFixed(2)} (18) | 0.00 | ${(all20 * 100).toFixed(2)} (20) |`,
    );
    expect(line('understanding average (8 tasks)')).toBeDefined();
    expect(markdown).toContain('| task | ours (18 tasks) | abstention | REF (20 tasks) |');
    expect(markdown).toContain('Left out of the averages: 2-9 (none for ours), 2-10 (none for ours).');
    expect(markdown).toContain('not comparable when the counts differ');
    expect(renderMarkdownReport(ours, options)).not.toContain('over all own tasks');
  });

  it('csv, json and html say which tasks the averages cover', () => {
    const csv = renderCsvReport(ours, { ...options, allTasks: true });
    const common = LAWBENCH_TASKS.filter((task) => !MISSING.includes(task)).join(' ');
    expect(csv).toContain(`\naverage [${common}],ours,`);
    expect(csv).toContain(`\naverage [${common}],REF,`);
    expect(csv).toContain(`\nall own tasks average [${LAWBENCH_TASKS.join(' ')}],REF,`);
    const json = JSON.parse(renderJsonReport(ours, { ...options, allTasks: true }));
    expect(json.averagedOver).toHaveLength(18);
    expect(json.notAveraged.map((entry: { task: string }) => entry.task)).toEqual(MISSING);
    expect(json.columns[1].averages.average.tasks).toHaveLength(18);
    expect(json.columns[1].allTaskAverages.average.tasks).toHaveLength(20);
    expect(json.average).toBeCloseTo(json.columns[1].averages.average.value, 12);
    const html = renderHtmlReport(ours, { ...options, allTasks: true });
    expect(html).toContain('Averages cover the 18 tasks that every column has');
    expect(html).toContain('<th>REF (20 tasks)</th>');
    expect(html).toContain('<tr class="all"><td>average over all own tasks</td>');
  });
});

describeWithShared(
  'report on the published GPT4 scores',
  ['data/lawbench/predictions/results_zero_shot.csv'],
  () => {
    it('GPT4 without 2-9 and 2-10 against published GPT4: 50.17 against 50.17, and 52.35 over all 20', async () => {
      const rows = await readPublishedResults(sharedPath('data/lawbench/predictions/results_zero_shot.csv'));
      const markdown = renderMarkdownReport(oursFrom(rows, 'GPT4'), {
        model: 'GPT4 (ours)',
        published: rows,
        compareWith: ['GPT4'],
        allTasks: true,
      });
      expect(markdown).toContain('| average (18 tasks) | 50.17 | 1.58 | 50.17 |');
      expect(markdown).toContain('| understanding average (8 tasks) | 50.02 | 0.20 | 50.02 |');
      expect(markdown).toContain('| average over all own tasks | 50.17 (18) | 1.58 | 52.35 (20) |');
      expect(markdown).toContain(
        '| understanding average over all own tasks | 50.02 (8) | 0.20 | 54.41 (10) |',
      );
      // ours named like the published model (the folder's name): the published column says so
      const same = renderCsvReport(oursFrom(rows, 'GPT4'), {
        model: 'GPT4',
        published: rows,
        compareWith: ['GPT4'],
      });
      expect(same).toContain('\n1-1,GPT4,');
      expect(same).toContain('\n1-1,GPT4 (published),');
    });
  },
);
