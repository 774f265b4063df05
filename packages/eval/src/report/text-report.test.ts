import { describe, expect, it } from 'vitest';
import { LAWBENCH_TASK_INFO, type LawBenchTaskId } from '../lawbench-tasks.js';
import { type LawBenchTaskResult, summarize } from '../score-lawbench.js';
import { renderTextReport } from './text-report.js';

const result = (
  task: LawBenchTaskId,
  score: number,
  abstentionRate: number,
  n: number,
): LawBenchTaskResult => ({
  task,
  score,
  abstentionRate,
  n,
});

describe('renderTextReport', () => {
  // given out of LawBench's order, with one score of 100 and one of a few percent
  const results = summarize(
    {
      '3-3': result('3-3', 0.0412, 0, 7),
      '1-2': result('1-2', 1, 0.125, 500),
      '2-1': result('2-1', 0.5, 0.5, 42),
    },
    ['2-9'],
  );
  const lines = renderTextReport(results).split('\n');

  it('has one row per scored task in LawBench order: score and abstention ×100, n and the name', () => {
    const rows = lines.slice(1, 4);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['1-2', '2-1', '3-3']);
    for (const row of rows) {
      const [task, score, abstention, n, name] = row.split(/\s+/) as [LawBenchTaskId, ...string[]];
      const expected = results.tasks[task]!;
      expect(Number(score)).toBeCloseTo(expected.score * 100, 2);
      expect(score).toMatch(/^\d+\.\d\d$/);
      expect(Number(abstention)).toBeCloseTo(expected.abstentionRate * 100, 2);
      expect(Number(n)).toBe(expected.n);
      expect(name).toBe(LAWBENCH_TASK_INFO[task].name);
    }
    // columns line up whatever the number of digits
    const nameColumn = rows.map((row) =>
      row.indexOf(LAWBENCH_TASK_INFO[row.split(' ')[0] as LawBenchTaskId].name),
    );
    expect(new Set(nameColumn).size).toBe(1);
    expect(rows[0].indexOf('100.00') + 6).toBe(rows[2].indexOf('4.12') + 4);
  });

  it('ends with the level averages, the overall average with its task count, and the missing tasks', () => {
    const tail = lines.slice(4);
    const levels = Object.entries(results.levels);
    expect(levels).toHaveLength(3);
    levels.forEach(([level, value], index) => {
      expect(tail[index]).toBe(`${level} average: ${(value! * 100).toFixed(2)}`);
    });
    const mean = ((1 + 0.5 + 0.0412) / 3) * 100;
    expect(tail[3]).toBe(`average: ${mean.toFixed(2)} over 3 tasks`);
    expect(tail[4]).toBe('no predictions for: 2-9');
    expect(tail[5]).toBe('');
    expect(tail).toHaveLength(6);
  });

  it('says nothing of missing tasks when there are none', () => {
    const text = renderTextReport(summarize({ '1-2': result('1-2', 0.3, 0, 1) }));
    expect(text).not.toContain('no predictions');
    expect(text.endsWith('average: 30.00 over 1 tasks\n')).toBe(true);
  });
});
