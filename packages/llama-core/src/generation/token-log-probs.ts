import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors.js';
import type { LlamaModel } from '../model.js';

/** Options of {@link tokenLogProbs}. */
export interface TokenLogProbsOptions {
  /** The model. */
  model: LlamaModel;
  /** Token ids of one sequence, BOS included when the model expects one (`tokenizer.encode(text, { addBos: true })`). */
  inputIds: number[];
  /** Checked before the forward pass. */
  signal?: AbortSignal;
}

/**
 * The log-probability the model gives each next token of a sequence: `log p(inputIds[t + 1] | inputIds[0..t])`
 * for t = 0 … n − 2, from one forward pass, normalised over the model's whole vocabulary (padding rows
 * included, as HF's perplexity does). Computed on the backend in float32 as `logit − logsumexp(logits)`; `n − 1`
 * values, none for a sequence shorter than 2. Their negated mean is the sequence's cross-entropy in nats.
 */
export async function tokenLogProbs({ model, inputIds, signal }: TokenLogProbsOptions): Promise<number[]> {
  signal?.throwIfAborted();
  if (!Array.isArray(inputIds)) throw new InputError('inputIds', 'an array of token ids', inputIds);
  if (inputIds.length < 2) return [];
  const steps = inputIds.length - 1;
  const picked = tf.tidy(() => {
    // [1, seq, vocab] → the rows that predict a next token, [seq − 1, vocab]
    const logits = model.forward([inputIds]);
    const vocab = logits.shape[2];
    const context = tf.reshape(tf.slice(logits, [0, 0, 0], [1, steps, vocab]), [steps, vocab]);
    const rows = tf.range(0, steps, 1, 'int32');
    const targets = tf.tensor1d(inputIds.slice(1), 'int32');
    const chosen = tf.gatherND(context, tf.stack([rows, targets], 1));
    return tf.sub(chosen, tf.logSumExp(context, 1));
  });
  try {
    return Array.from(await picked.data());
  } finally {
    picked.dispose();
  }
}
