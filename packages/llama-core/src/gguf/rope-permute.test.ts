import { describe, expect, it } from 'vitest';
import { permuteForGguf, unpermuteFromGguf } from './rope-permute.js';

describe('q/k RoPE row permutation', () => {
  it('interleaves the two halves of each head (convert_hf_to_gguf.py permute)', () => {
    // One head of dim 4, one column: HF rows [x0, x1 | y0, y1] → llama.cpp [x0, y0, x1, y1].
    expect(Array.from(permuteForGguf(Float32Array.of(0, 1, 2, 3), 4, 1))).toEqual([0, 2, 1, 3]);
    // Two heads of dim 4, two columns: each head permuted on its own, whole rows moved.
    const values = Float32Array.from({ length: 16 }, (_, index) => index);
    expect(Array.from(permuteForGguf(values, 8, 2))).toEqual([
      0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15,
    ]);
  });

  it('is inverted exactly by unpermuteFromGguf', () => {
    const values = Float32Array.from({ length: 6 * 16 * 5 }, (_, index) => Math.sin(index));
    const permuted = permuteForGguf(values, 96, 6);
    expect(Array.from(permuted)).not.toEqual(Array.from(values));
    expect(Array.from(unpermuteFromGguf(permuted, 96, 6))).toEqual(Array.from(values));
  });

  it('rejects rows that are not heads × an even head dim', () => {
    expect(() => permuteForGguf(new Float32Array(12), 6, 2)).toThrow(/rows/);
  });
});
