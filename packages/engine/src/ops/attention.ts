import * as tf from '@tensorflow/tfjs-core';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/**
 * Scaled dot-product attention with grouped KV heads.
 * q: [batch, heads, queries, headDim]; k, v: [batch, kvHeads, keys, headDim];
 * bias: additive mask [batch or 1, 1, queries, keys] (0 = attend, very negative = masked) or null.
 * A backend with a kernel under `OP_KERNELS.attention` (webgpu's fused one) runs it when no gradient is taped,
 * else the composed ops below.
 * Query head h uses kv head floor(h / groups) (HF `repeat_kv`): the queries of a group are folded into one matrix
 * per kv head, so every batched matMul has equal batch dimensions on both operands and nothing is copied.
 * Returns [batch, heads, queries, headDim].
 */
export function attention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  bias: tf.Tensor4D | null,
  scale: number,
): tf.Tensor4D {
  const composed = () =>
    tf.tidy(() => {
      const [batch, heads, queries, headDim] = q.shape;
      const [, kvHeads, keys] = k.shape;
      const groups = heads / kvHeads;
      // Query heads h = kv·groups + g share kv head kv: fold each group's queries into one matrix per kv head
      // ([batch, kvHeads, groups·queries, hd], a reshape of q's memory) instead of repeating k and v.
      const grouped = groups === 1 ? q : tf.reshape(q, [batch, kvHeads, groups * queries, headDim]);
      let scores = tf.mul(tf.matMul(grouped, k, false, true), scale);
      if (bias) {
        scores = tf.add(tf.reshape(scores, [batch, heads, queries, keys]), bias);
        if (groups > 1) scores = tf.reshape(scores, [batch, kvHeads, groups * queries, keys]);
      }
      const probabilities = tf.softmax(scores, -1);
      return tf.reshape(tf.matMul(probabilities, v), [batch, heads, queries, headDim]) as tf.Tensor4D;
    });
  // Under a gradient tape (training) the composed ops run: a kernel here has no fused backward.
  if (tf.engine().isTapeOn()) return composed();
  const inputs: tf.NamedTensorMap = bias ? { q, k, v, bias } : { q, k, v };
  return runNamedOp(OP_KERNELS.attention, inputs, { scale }, composed);
}

/** [batch, kvHeads, seq, hd] → [batch, kvHeads·groups, seq, hd], each kv head repeated `groups` times in place. */
export function repeatKv(x: tf.Tensor4D, groups: number): tf.Tensor4D {
  if (groups === 1) return x;
  const [batch, kvHeads, seq, headDim] = x.shape;
  // rank-4 tile (tfjs has no rank-5 tile gradient): [batch, kvHeads, groups, seq·hd]
  const expanded = tf.tile(tf.reshape(x, [batch, kvHeads, 1, seq * headDim]), [1, 1, groups, 1]);
  return tf.reshape(expanded, [batch, kvHeads * groups, seq, headDim]);
}
