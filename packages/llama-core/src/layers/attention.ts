import { attention, rmsNorm, rope } from '@lawgpt/engine';
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from './context.js';

/** [batch·seq, heads·hd] → [batch, heads, seq, hd] (one token: the same memory order, a reshape suffices). */
function splitHeads(x: tf.Tensor2D, batch: number, seq: number, heads: number, headDim: number): tf.Tensor4D {
  if (seq === 1) return tf.reshape(x, [batch, heads, 1, headDim]);
  return tf.transpose(tf.reshape(x, [batch, seq, heads, headDim]), [0, 2, 1, 3]);
}

/** [batch, heads, seq, hd] → [batch·seq, heads·hd], the inverse of {@link splitHeads}. */
function mergeHeads(x: tf.Tensor4D, batch: number, seq: number, heads: number, headDim: number): tf.Tensor2D {
  if (seq === 1) return tf.reshape(x, [batch, heads * headDim]);
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [batch * seq, heads * headDim]);
}

/**
 * LlamaAttention: q/k/v projections (with Qwen2's biases), Qwen3's q/k norms, RoPE on q and k, KV cache append,
 * GQA attention, o_proj.
 * x: [batch·seq, hidden] (already normed) → [batch·seq, hidden].
 */
export function selfAttention(x: tf.Tensor2D, layer: number, context: ForwardContext): tf.Tensor2D {
  const { config, batch, seq, cache } = context;
  const { numAttentionHeads: heads, numKeyValueHeads: kvHeads, headDim } = config;
  const prefix = `model.layers.${layer}.self_attn`;
  // q and k: projection (+ Qwen2's bias, inside context.linear), Qwen3's per-head RMSNorm, then RoPE.
  const rotated = (module: 'q' | 'k', count: number) => {
    let projected = context.linear(`${prefix}.${module}_proj`, x);
    if (config.qkNorm) {
      const weight = context.parameter(`${prefix}.${module}_norm.weight`) as tf.Tensor1D;
      const perHead = tf.reshape(projected, [-1, count, headDim]);
      projected = tf.reshape(rmsNorm(perHead, weight, config.rmsNormEps), [-1, count * headDim]);
    }
    return rope(splitHeads(projected, batch, seq, count, headDim), context.cos, context.sin);
  };
  const queries = rotated('q', heads);
  const keys = rotated('k', kvHeads);
  const values = splitHeads(context.linear(`${prefix}.v_proj`, x), batch, seq, kvHeads, headDim);
  const scale = 1 / Math.sqrt(headDim);
  const output = cache
    ? cache.attend(layer, queries, keys, values, context.bias, scale)
    : attention(queries, keys, values, context.bias, scale);
  return context.linear(`${prefix}.o_proj`, mergeHeads(output, batch, seq, heads, headDim));
}
