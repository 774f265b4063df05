import { attention, rope } from '@lawgpt/engine';
import * as tf from '@tensorflow/tfjs';
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
 * LlamaAttention: q/k/v projections, RoPE on q and k, KV cache append, GQA attention, o_proj.
 * x: [batch·seq, hidden] (already normed) → [batch·seq, hidden].
 */
export function selfAttention(x: tf.Tensor2D, layer: number, context: ForwardContext): tf.Tensor2D {
  const { config, batch, seq, cache } = context;
  const { numAttentionHeads: heads, numKeyValueHeads: kvHeads, headDim } = config;
  const prefix = `model.layers.${layer}.self_attn`;
  const queries = rope(
    splitHeads(context.linear(`${prefix}.q_proj`, x), batch, seq, heads, headDim),
    context.cos,
    context.sin,
  );
  let keys = rope(
    splitHeads(context.linear(`${prefix}.k_proj`, x), batch, seq, kvHeads, headDim),
    context.cos,
    context.sin,
  );
  let values = splitHeads(context.linear(`${prefix}.v_proj`, x), batch, seq, kvHeads, headDim);
  if (cache) [keys, values] = cache.append(layer, keys, values);
  const output = attention(queries, keys, values, context.bias, 1 / Math.sqrt(headDim));
  return context.linear(`${prefix}.o_proj`, mergeHeads(output, batch, seq, heads, headDim));
}
