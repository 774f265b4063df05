import { describe, expect, it } from 'vitest';
import { lcsLength } from './lcs-length.js';
import { mulberry32 } from './mulberry32.js';

/** The textbook recursion, memoised: an independent oracle for short lists. */
function lcsByRecursion(a: readonly string[], b: readonly string[]): number {
  const memo = new Map<number, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = i * (b.length + 1) + j;
    let value = memo.get(key);
    if (value === undefined) {
      value = a[i] === b[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1));
      memo.set(key, value);
    }
    return value;
  };
  return go(0, 0);
}

describe('lcsLength', () => {
  it('agrees with the recursive definition on random token lists', () => {
    const random = mulberry32(3);
    const alphabet = ['法', '律', '条', '第', '一', ''];
    const list = () =>
      Array.from(
        { length: Math.floor(random() * 14) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      );
    for (let trial = 0; trial < 500; trial++) {
      const a = list();
      const b = list();
      expect(lcsLength(a, b), `${a} | ${b}`).toBe(lcsByRecursion(a, b));
      expect(lcsLength(b, a)).toBe(lcsLength(a, b));
    }
  });

  it('handles empty lists and identical lists', () => {
    expect(lcsLength([], ['a'])).toBe(0);
    expect(lcsLength(['a'], [])).toBe(0);
    const words = ['中华人民共和国', '刑法', '第一百三十三条', '之一'];
    expect(lcsLength(words, words)).toBe(words.length);
  });
});
