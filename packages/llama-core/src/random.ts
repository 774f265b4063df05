/** A seedable uniform random source in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seedable PRNG (same seed → same sequence). */
export function createRng(seed = 0): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
