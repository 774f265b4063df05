import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';

/** The reference C code of mulberry32 in BigInt arithmetic (uint32 wrap-around by masking), as an oracle. */
function referenceMulberry32(seed: number): () => number {
  const mask = 0xffffffffn;
  const mul = (a: bigint, b: bigint) => (a * b) & mask;
  let state = BigInt(seed >>> 0);
  return () => {
    state = (state + 0x6d2b79f5n) & mask;
    let z = state;
    z = mul(z ^ (z >> 15n), z | 1n);
    z ^= (z + mul(z ^ (z >> 7n), z | 61n)) & mask;
    z = (z ^ (z >> 14n)) & mask;
    return Number(z) / 2 ** 32;
  };
}

describe('mulberry32', () => {
  it('matches the reference generator for several seeds', () => {
    for (const seed of [0, 1, 7, 42, 0xdeadbeef, 2 ** 32 - 1]) {
      const rng = mulberry32(seed);
      const reference = referenceMulberry32(seed);
      for (let index = 0; index < 1000; index++) expect(rng(), `seed ${seed} #${index}`).toBe(reference());
    }
  });

  it('repeats a sequence for a seed, differs across seeds, and stays in [0, 1)', () => {
    const a = Array.from({ length: 100 }, mulberry32(5));
    expect(Array.from({ length: 100 }, mulberry32(5))).toEqual(a);
    expect(Array.from({ length: 100 }, mulberry32(6))).not.toEqual(a);
    expect(Array.from({ length: 100 }, mulberry32(5 + 2 ** 32))).toEqual(a);
    const many = Array.from({ length: 100_000 }, mulberry32(9));
    expect(Math.min(...many)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...many)).toBeLessThan(1);
    const mean = many.reduce((sum, value) => sum + value, 0) / many.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
});
