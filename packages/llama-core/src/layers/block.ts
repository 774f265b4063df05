import { rmsNorm } from '@lawgpt/engine';
import * as tf from '@tensorflow/tfjs-core';
import { selfAttention } from './attention.js';
import type { ForwardContext } from './context.js';
import { mlp } from './mlp.js';

/** LlamaDecoderLayer with pre-norm residuals. h: [batch·seq, hidden] → [batch·seq, hidden]. */
export function decoderBlock(h: tf.Tensor2D, layer: number, context: ForwardContext): tf.Tensor2D {
  const prefix = `model.layers.${layer}`;
  const eps = context.config.rmsNormEps;
  const attentionInput = rmsNorm(
    h,
    context.parameter(`${prefix}.input_layernorm.weight`) as tf.Tensor1D,
    eps,
  );
  const afterAttention = tf.add(h, selfAttention(attentionInput, layer, context)) as tf.Tensor2D;
  const mlpInput = rmsNorm(
    afterAttention,
    context.parameter(`${prefix}.post_attention_layernorm.weight`) as tf.Tensor1D,
    eps,
  );
  return tf.add(afterAttention, mlp(mlpInput, layer, context)) as tf.Tensor2D;
}
