import { mulberry32 } from '@lawgpt/common';

/** A seedable uniform random source in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seedable PRNG (same seed → same sequence). */
export function createRng(seed = 0): Rng {
  return mulberry32(seed);
}

/** Fill `out` with normal(0, std) samples (Box–Muller) from `rng`. */
export function fillNormal(out: Float32Array, rng: Rng, mean = 0, std = 1): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rng();
    const v = rng();
    const radius = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = mean + radius * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = mean + radius * Math.sin(2 * Math.PI * v);
  }
  return out;
}
