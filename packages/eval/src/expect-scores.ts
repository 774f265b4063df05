import { ScoreExpectationError } from './errors.js';
import type { LawBenchResults } from './score-lawbench.js';

/** Bounds for one score. */
export interface ScoreBound {
  /** Lowest acceptable value (inclusive). */
  min?: number;
  /** Highest acceptable value (inclusive). */
  max?: number;
  /** Upper bound on the task's abstention rate. */
  maxAbstention?: number;
}

/** Bounds keyed by task id (`'3-3'`), `average`, or a level (`memorization`, `understanding`, `applying`). */
export type ScoreExpectations = Record<string, ScoreBound>;

/**
 * Throw a {@link ScoreExpectationError} listing every bound that `results` misses — works as an assertion in
 * vitest, jest or `node:test`. `expectScores(results, { '3-3': { min: 0.3 }, average: { min: 0.2 } })`.
 */
export function expectScores(results: LawBenchResults, expectations: ScoreExpectations): void {
  const failures: string[] = [];
  const lines: string[] = [];
  for (const [key, bound] of Object.entries(expectations)) {
    const { value, abstention, known } = lookup(results, key);
    if (!known) {
      failures.push(
        `${key}: no score (task not scored; have ${Object.keys(results.tasks).sort().join(', ') || 'none'})`,
      );
      lines.push(`✗ ${key.padEnd(14)} missing`);
      continue;
    }
    const problems: string[] = [];
    if (bound.min !== undefined && !(value >= bound.min))
      problems.push(`score ${fmt(value)} < min ${bound.min}`);
    if (bound.max !== undefined && !(value <= bound.max))
      problems.push(`score ${fmt(value)} > max ${bound.max}`);
    if (
      bound.maxAbstention !== undefined &&
      abstention !== undefined &&
      !(abstention <= bound.maxAbstention)
    ) {
      problems.push(`abstention ${fmt(abstention)} > max ${bound.maxAbstention}`);
    }
    const range = `[${bound.min ?? '-∞'}, ${bound.max ?? '∞'}]`;
    lines.push(
      `${problems.length ? '✗' : '✓'} ${key.padEnd(14)} ${fmt(value).padStart(8)}  expected ${range}`,
    );
    for (const problem of problems) failures.push(`${key}: ${problem}`);
  }
  if (failures.length > 0) {
    throw new ScoreExpectationError(
      `${failures.length} score expectation(s) failed:\n${failures.map((line) => `  - ${line}`).join('\n')}\n${lines.join('\n')}`,
      failures,
    );
  }
}

function lookup(
  results: LawBenchResults,
  key: string,
): { value: number; abstention?: number; known: boolean } {
  if (key === 'average') return { value: results.average, known: !Number.isNaN(results.average) };
  if (key in results.levels || ['memorization', 'understanding', 'applying'].includes(key)) {
    const value = results.levels[key as keyof LawBenchResults['levels']];
    return { value: value ?? Number.NaN, known: value !== undefined };
  }
  const task = results.tasks[key as keyof LawBenchResults['tasks']];
  if (!task) return { value: Number.NaN, known: false };
  return { value: task.score, abstention: task.abstentionRate, known: true };
}

function fmt(value: number): string {
  return value.toFixed(4);
}
