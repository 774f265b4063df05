import { swiGlu } from '@lawgpt/engine';
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from './context.js';

/** LlamaMLP (SwiGLU): `down(silu(gate(x)) · up(x))`. x: [rows, hidden] → [rows, hidden]. */
export function mlp(x: tf.Tensor2D, layer: number, context: ForwardContext): tf.Tensor2D {
  const prefix = `model.layers.${layer}.mlp`;
  const gate = context.linear(`${prefix}.gate_proj`, x);
  const up = context.linear(`${prefix}.up_proj`, x);
  return context.linear(`${prefix}.down_proj`, swiGlu(gate, up));
}
