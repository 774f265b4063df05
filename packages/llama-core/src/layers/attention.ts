import * as tf from '@tensorflow/tfjs';
import { attention } from '../ops/attention.js';
import { rope } from '../ops/rope.js';
import type { ForwardContext } from './context.js';

/** [batch·seq, heads·hd] → [batch, heads, seq, hd]. */
function splitHeads(x: tf.Tensor2D, batch: number, seq: number, heads: number, headDim: number): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [batch, seq, heads, headDim]), [0, 2, 1, 3]);
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
  const merged = tf.reshape(tf.transpose(output, [0, 2, 1, 3]), [
    batch * seq,
    heads * headDim,
  ]) as tf.Tensor2D;
  return context.linear(`${prefix}.o_proj`, merged);
}
