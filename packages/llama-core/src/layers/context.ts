import type * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '../config.js';
import type { KVCache } from '../kv-cache.js';

/**
 * Called after every linear layer with the HF module name (`model.layers.0.self_attn.q_proj`,
 * `lm_head`), its input `[rows, in]` and output `[rows, out]`; returns the output to use.
 * LoRA adds `scaling · (x·Aᵀ)·Bᵀ` here.
 */
export type LinearHook = (name: string, input: tf.Tensor2D, output: tf.Tensor2D) => tf.Tensor2D;

/** What each layer of one forward pass needs. */
export interface ForwardContext {
  config: LlamaConfig;
  batch: number;
  /** New tokens per row in this pass. */
  seq: number;
  /** Parameter by HF name (linear weights `[in, out]`). */
  parameter: (name: string) => tf.Tensor;
  /** Linear layer by HF module name, hook applied. x: [rows, in] → [rows, out]. */
  linear: (module: string, x: tf.Tensor2D) => tf.Tensor2D;
  cache?: KVCache;
  cos: tf.Tensor4D;
  sin: tf.Tensor4D;
  /** Additive mask [batch or 1, 1, seq, past + seq], or null when nothing is masked. */
  bias: tf.Tensor4D | null;
}
