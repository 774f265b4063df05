import * as tf from '@tensorflow/tfjs';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/**
 * Scaled dot-product attention with grouped KV heads.
 * q: [batch, heads, queries, headDim]; k, v: [batch, kvHeads, keys, headDim];
 * bias: additive mask [batch or 1, 1, queries, keys] (0 = attend, very negative = masked) or null.
 * KV heads are repeated explicitly (query head h uses kv head floor(h / groups), HF `repeat_kv`)
 * so every batched matMul has equal batch dimensions on both operands.
 * Returns [batch, heads, queries, headDim].
 */
export function attention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  bias: tf.Tensor4D | null,
  scale: number,
): tf.Tensor4D {
  const inputs: tf.NamedTensorMap = bias ? { q, k, v, bias } : { q, k, v };
  return runNamedOp(OP_KERNELS.attention, inputs, { scale }, () =>
    tf.tidy(() => {
      const groups = q.shape[1] / k.shape[1];
      const keys = repeatKv(k, groups);
      const values = repeatKv(v, groups);
      let scores = tf.mul(tf.matMul(q, keys, false, true), scale);
      if (bias) scores = tf.add(scores, bias);
      const probabilities = tf.softmax(scores, -1);
      return tf.matMul(probabilities, values) as tf.Tensor4D;
    }),
  );
}

/** [batch, kvHeads, seq, hd] → [batch, kvHeads·groups, seq, hd], each kv head repeated `groups` times in place. */
export function repeatKv(x: tf.Tensor4D, groups: number): tf.Tensor4D {
  if (groups === 1) return x;
  const [batch, kvHeads, seq, headDim] = x.shape;
  // rank-4 tile (tfjs has no rank-5 tile gradient): [batch, kvHeads, groups, seq·hd]
  const expanded = tf.tile(tf.reshape(x, [batch, kvHeads, 1, seq * headDim]), [1, 1, groups, 1]);
  return tf.reshape(expanded, [batch, kvHeads * groups, seq, headDim]);
}
