import { describe, expect, it } from 'vitest';
import { summarize } from '../score-lawbench.js';
import {
  renderCsvReport,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
} from './lawbench-report.js';

const results = summarize({
  '1-2': { task: '1-2', score: 0.5, abstentionRate: 0.1, n: 500 },
  '3-3': { task: '3-3', score: 0.25, abstentionRate: 0, n: 500 },
});
const published = [
  { task: '1-2', model: 'GPT4', score: 0.552, abstentionRate: 0 },
  { task: '3-3', model: 'GPT4', score: 0.4, abstentionRate: 0 },
];

describe('LawBench reports', () => {
  it('markdown lists tasks, level and overall averages beside a published model', () => {
    const markdown = renderMarkdownReport(results, { model: 'mine', published, compareWith: ['GPT4'] });
    expect(markdown).toContain('| task | mine | abstention | GPT4 |');
    expect(markdown).toContain('| 1-2 知识问答 | 50.00 | 10.00 | 55.20 |');
    expect(markdown).toContain('| memorization average | 50.00 | — | 55.20 |');
    expect(markdown).toContain('| average | 37.50 | 5.00 | 47.60 |');
  });

  it('csv uses LawBench layout and json round-trips', () => {
    expect(renderCsvReport(results, { model: 'm' })).toBe(
      'task,model_name,score,abstention_rate\n1-2,m,0.5,0.1\n3-3,m,0.25,0\n',
    );
    const json = JSON.parse(renderJsonReport(results, { model: 'm', published, compareWith: ['GPT4'] }));
    expect(json.average).toBe(0.375);
    expect(json.compared.GPT4['1-2']).toBe(0.552);
  });

  it('html is self-contained with an inline SVG bar per score', () => {
    const html = renderHtmlReport(results, { model: 'm<1>', published, compareWith: ['GPT4'] });
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain('m&lt;1&gt;');
    expect((html.match(/<rect /g) ?? []).length).toBe(2 + 2 + 2 + 2 + 2);
  });
});
