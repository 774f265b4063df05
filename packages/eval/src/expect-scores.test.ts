import { describe, expect, it } from 'vitest';
import { ScoreExpectationError } from './errors.js';
import { expectScores } from './expect-scores.js';
import { summarize } from './score-lawbench.js';

const results = summarize({
  '3-3': { task: '3-3', score: 0.42, abstentionRate: 0.25, n: 500 },
  '1-2': { task: '1-2', score: 0.1, abstentionRate: 0, n: 500 },
});

describe('expectScores', () => {
  it('passes when every bound holds', () => {
    expect(() =>
      expectScores(results, { '3-3': { min: 0.3 }, average: { min: 0.2, max: 0.3 } }),
    ).not.toThrow();
  });

  it('fails with a readable table naming each broken bound', () => {
    let error: unknown;
    try {
      expectScores(results, {
        '3-3': { min: 0.5, maxAbstention: 0.1 },
        '1-2': { min: 0.05 },
        '2-1': { min: 0 },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScoreExpectationError);
    const failure = error as ScoreExpectationError;
    expect(failure.failures).toEqual([
      '3-3: score 0.4200 < min 0.5',
      '3-3: abstention 0.2500 > max 0.1',
      '2-1: no score (task not scored; have 1-2, 3-3)',
    ]);
    expect(failure.message).toContain('✗ 3-3');
    expect(failure.message).toContain('✓ 1-2');
  });

  it('checks cognitive-level averages', () => {
    expect(() => expectScores(results, { applying: { min: 0.5 } })).toThrow(
      /applying: score 0.4200 < min 0.5/,
    );
    expect(() => expectScores(results, { understanding: { min: 0 } })).toThrow(/understanding: no score/);
  });
});
