import { createRng } from '@lawgpt/llama-core';
import { IGNORE_INDEX, type TrainingExample } from './training-data.js';

/** A padded batch: right padding with `padId`, labels `-100` on padding, attention mask 1/0. */
export interface TrainingBatch {
  inputIds: number[][];
  labels: number[][];
  attentionMask: number[][];
  /** Tokens that carry a label (after the causal shift). */
  labelTokens: number;
  /** All non-padding tokens. */
  tokens: number;
}

/** Pad `examples` on the right to the longest one. */
export function collate(examples: TrainingExample[], padId = 0): TrainingBatch {
  const length = Math.max(...examples.map((example) => example.inputIds.length));
  const pad = <T>(row: T[], value: T) => [...row, ...new Array<T>(length - row.length).fill(value)];
  let labelTokens = 0;
  for (const example of examples) {
    labelTokens += example.labels.slice(1).filter((label) => label !== IGNORE_INDEX).length;
  }
  return {
    inputIds: examples.map((example) => pad(example.inputIds, padId)),
    labels: examples.map((example) => pad(example.labels, IGNORE_INDEX)),
    attentionMask: examples.map((example) => pad(new Array<number>(example.inputIds.length).fill(1), 0)),
    labelTokens,
    tokens: examples.reduce((sum, example) => sum + example.inputIds.length, 0),
  };
}

/** A seeded permutation of `0..count-1` (Fisher–Yates over llama-core's seedable RNG). */
export function shuffledOrder(count: number, seed: number): number[] {
  const random = createRng(seed);
  const order = Array.from({ length: count }, (_, index) => index);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Seed of the dropout masks of global micro-batch `index`: a mix of the run's seed and the index, spaced 4096
 * apart because the LoRA hook adds one per adapted module it runs. A resumed run draws the same masks.
 */
export function dropoutSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) * 4096;
}
