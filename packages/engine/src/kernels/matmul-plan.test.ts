import { describe, expect, it } from 'vitest';
import { KernelError } from '../errors.js';
import { planMatMul } from './matmul-plan.js';

describe('planMatMul', () => {
  it('reads m, n, k from every transpose combination', () => {
    expect(planMatMul({ aShape: [3, 5], bShape: [5, 7] })).toMatchObject({
      m: 3,
      n: 7,
      k: 5,
      outShape: [3, 7],
    });
    expect(planMatMul({ aShape: [5, 3], bShape: [7, 5], transposeA: true, transposeB: true })).toMatchObject({
      m: 3,
      n: 7,
      k: 5,
      transA: true,
      transB: true,
    });
  });

  it('broadcasts both operands and maps each output batch to its source matrices', () => {
    const plan = planMatMul({ aShape: [2, 1, 4, 6], bShape: [1, 3, 6, 5] });
    expect(plan.outShape).toEqual([2, 3, 4, 5]);
    expect(plan.batch).toBe(6);
    expect([...plan.aOffsets]).toEqual([0, 0, 0, 24, 24, 24]);
    expect([...plan.bOffsets]).toEqual([0, 30, 60, 0, 30, 60]);
  });

  it('handles rank mismatch (a missing batch dim broadcasts)', () => {
    const plan = planMatMul({ aShape: [2, 3, 4, 6], bShape: [3, 6, 5] });
    expect(plan.outShape).toEqual([2, 3, 4, 5]);
    expect([...plan.bOffsets]).toEqual([0, 30, 60, 0, 30, 60]);
    expect([...plan.aOffsets]).toEqual([0, 24, 48, 72, 96, 120]);
  });

  it('rejects mismatched inner or batch dimensions with a KernelError naming the shapes', () => {
    expect(() => planMatMul({ aShape: [3, 5], bShape: [4, 7] })).toThrow(KernelError);
    expect(() => planMatMul({ aShape: [3, 5], bShape: [4, 7] })).toThrow(/5 in \[3,5\] and 4 in \[4,7\]/);
    expect(() => planMatMul({ aShape: [2, 3, 5], bShape: [3, 5, 2] })).toThrow(/broadcastable/);
    expect(() => planMatMul({ aShape: [5], bShape: [5, 2] })).toThrow(/rank ≥ 2/);
  });
});
