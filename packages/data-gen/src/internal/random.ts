import { mulberry32 } from '@lawgpt/common';

/** Seeded PRNG (mulberry32): a function returning floats in [0, 1). Same seed → same sequence. */
export const createRandom: (seed: number) => () => number = mulberry32;

/** Fisher–Yates shuffle of a copy of `items`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/** One element of `items` chosen with `random`. */
export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}

/** `count` distinct elements of `items` (all of them when fewer). */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  return shuffled(items, random).slice(0, count);
}
