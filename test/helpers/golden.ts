/** Readers and comparisons for `../shared/fixtures/models/<s>/golden.json` (see its README §2.4). */
import { readFileSync } from 'node:fs';

/** One golden logits record. */
export interface GoldenLogits {
  input_ids: number[][];
  last_logits: number[];
  logits_first8: number[][][];
  logsumexp: number[][];
  argmax: number[][];
}

/** A golden loss record: a batch, its HF loss and the L2 norm of every gradient by name. */
export interface GoldenLoss {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
  loss: number;
  grad_norms: Record<string, number>;
  grad: Record<string, number[][]>;
}

/** One merged weight's summary for a LoRA adapter. */
export interface GoldenMergedWeight {
  shape: number[];
  fro_norm: number;
  delta_fro_norm: number;
  sum: number;
  proj: number;
  samples: Record<string, number>;
}

/** One adapter's golden section. */
export interface GoldenLora {
  dir: string;
  r: number;
  lora_alpha: number;
  use_rslora: boolean;
  scaling: number;
  vocab_size_with_adapter: number;
  logits: GoldenLogits[];
  merged_weights: Record<string, GoldenMergedWeight>;
  loss: { loss: number; grad_norms: Record<string, number> };
  modules_to_save_checksums?: Record<string, { shape: number[]; sum: number; fro_norm: number }>;
}

/** The parts of golden.json the tests read. */
export interface Golden {
  base: {
    logits: GoldenLogits[];
    hidden_states: { input_ids: number[][]; first8: number[][][][]; rms: number[][][] };
    greedy: { prompt: number[]; max_new_tokens: number; new_tokens: number[] };
    loss: GoldenLoss;
  };
  bf16?: { logits: GoldenLogits[]; tensor_checksums: Record<string, { sum: number; sum_abs: number }> };
  lora: Record<string, GoldenLora>;
}

/** Parse a fixture's golden.json. */
export function readGolden(path: string): Golden {
  return JSON.parse(readFileSync(path, 'utf8')) as Golden;
}

/**
 * Largest |Δ| between model logits [1, T, V] (row-major values) and a golden record over every
 * recorded quantity (first 8 columns, logsumexp, last row), and whether every argmax agrees.
 */
export function compareLogits(
  values: Float32Array,
  vocab: number,
  golden: GoldenLogits,
): { maxDiff: number; argmaxEqual: boolean } {
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
