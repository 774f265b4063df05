import type { Rng } from '../random.js';

/** Index of the largest value (first one on ties). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Numerically stable log-softmax (masked `-Infinity` entries stay `-Infinity`). */
export function logSoftmax(logits: Float32Array): Float32Array {
  const max = logits[argmax(logits)];
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - max);
  const logSum = max + Math.log(sum);
  return logits.map((value) => value - logSum);
}

/** Draw a token from softmax(logits) with the injected random source. */
export function sampleToken(logits: Float32Array, rng: Rng): number {
  const max = logits[argmax(logits)];
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    weights[i] = Math.exp(logits[i] - max);
    total += weights[i];
  }
  let threshold = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    threshold -= weights[i];
    if (threshold < 0) return i;
  }
  return argmax(logits);
}
