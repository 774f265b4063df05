import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';

/** One golden logits record (see ../shared/fixtures/README.md §2.4). */
export interface GoldenLogits {
  input_ids: number[][];
  last_logits: number[];
  logits_first8: number[][][];
  logsumexp: number[][];
  argmax: number[][];
}

/** Parse a fixture's golden.json. */
export function readGolden(path: string): {
  base: {
    logits: GoldenLogits[];
    hidden_states: { input_ids: number[][]; first8: number[][][][]; rms: number[][][] };
    greedy: { prompt: number[]; max_new_tokens: number; new_tokens: number[] };
    loss: {
      input_ids: number[][];
      attention_mask: number[][];
      labels: number[][];
      loss: number;
      grad_norms: Record<string, number>;
      grad: Record<string, number[][]>;
    };
  };
  bf16?: { logits: GoldenLogits[]; tensor_checksums: Record<string, { sum: number; sum_abs: number }> };
} {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Largest |Δ| between model logits [1, T, V] (as values) and a golden record over every quantity. */
export function compareLogits(
  values: Float32Array,
  vocab: number,
  golden: GoldenLogits,
): {
  maxDiff: number;
  argmaxEqual: boolean;
} {
  const seq = golden.input_ids[0].length;
  let maxDiff = 0;
  let argmaxEqual = true;
  for (let t = 0; t < seq; t++) {
    const row = values.subarray(t * vocab, (t + 1) * vocab);
    for (let j = 0; j < 8; j++) maxDiff = Math.max(maxDiff, Math.abs(row[j] - golden.logits_first8[0][t][j]));
    let max = Number.NEGATIVE_INFINITY;
    let argmax = 0;
    for (let j = 0; j < vocab; j++) {
      if (row[j] > max) {
        max = row[j];
        argmax = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += Math.exp(row[j] - max);
    maxDiff = Math.max(maxDiff, Math.abs(max + Math.log(sum) - golden.logsumexp[0][t]));
    if (argmax !== golden.argmax[0][t]) argmaxEqual = false;
    if (t === seq - 1) {
      for (let j = 0; j < vocab; j++) maxDiff = Math.max(maxDiff, Math.abs(row[j] - golden.last_logits[j]));
    }
  }
  return { maxDiff, argmaxEqual };
}

/** Values of a tensor as a Float32Array (async read, outside tidy). */
export async function valuesOf(tensor: tf.Tensor): Promise<Float32Array> {
  return (await tensor.data()) as Float32Array;
}
