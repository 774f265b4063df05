import { embedding } from '@lawgpt/engine';
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from './errors.js';

/** Label value that is not predicted (HF `ignore_index`). */
export const IGNORE_INDEX = -100;

/**
 * HF causal-LM loss: `logits[:, :-1]` predict `labels[:, 1:]`; mean cross-entropy over every
 * position whose shifted label is not -100. logits: [batch, seq, vocab]; labels: [batch][seq].
 * Differentiable on every backend (the label pick uses a scatter gradient, not gather's).
 */
export function causalLmLoss(logits: tf.Tensor3D, labels: number[][]): tf.Scalar {
  const [batch, seq, vocab] = logits.shape;
  const { positions, targets } = shiftedTargets(labels, batch, seq, vocab);
  if (targets.length === 0) {
    throw new InputError('labels', `at least one label other than ${IGNORE_INDEX} after the shift`, labels);
  }
  return tf.tidy(() => {
    const shifted = tf.reshape(tf.slice(logits, [0, 0, 0], [batch, seq - 1, vocab]), [
      batch * (seq - 1),
      vocab,
    ]);
    const logProbabilities = tf.logSoftmax(shifted);
    // flat index of (position, target) in [rows · vocab], picked as rows of a [rows·vocab, 1] table
    const flat = positions.map((row, i) => row * vocab + targets[i]);
    const picked = embedding(tf.reshape(logProbabilities, [-1, 1]), flat);
    return tf.div(tf.neg(tf.sum(picked)), targets.length) as tf.Scalar;
  });
}

function shiftedTargets(
  labels: number[][],
  batch: number,
  seq: number,
  vocab: number,
): { positions: number[]; targets: number[] } {
  if (!Array.isArray(labels) || labels.length !== batch)
    throw new InputError('labels', `${batch} rows`, labels?.length);
  if (seq < 2) throw new InputError('logits', 'a sequence length >= 2 (one token predicts the next)', seq);
  const positions: number[] = [];
  const targets: number[] = [];
  labels.forEach((row, b) => {
    if (!Array.isArray(row) || row.length !== seq)
      throw new InputError(`labels[${b}]`, `${seq} entries`, row?.length);
    for (let t = 1; t < seq; t++) {
      const label = row[t];
      if (label === IGNORE_INDEX) continue;
      if (!Number.isInteger(label) || label < 0 || label >= vocab) {
        throw new InputError(`labels[${b}][${t}]`, `a token id in [0, ${vocab}) or ${IGNORE_INDEX}`, label);
      }
      positions.push(b * (seq - 1) + (t - 1));
      targets.push(label);
    }
  });
  return { positions, targets };
}
