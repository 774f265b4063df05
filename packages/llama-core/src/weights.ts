import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from './config.js';
import { WeightError } from './errors.js';
import type { WeightSource } from './weight-source.js';

/** One parameter tensor of a LLaMA checkpoint. */
export interface ParameterSpec {
  /** HF name, e.g. `model.layers.0.self_attn.q_proj.weight`. */
  name: string;
  /** Shape in the HF file (`nn.Linear` weights are `[out, in]`). */
  shape: number[];
  /**
   * Linear weights are kept in memory transposed, `[in, out]`, so that `x · W` is an untransposed
   * matMul (the backend's fast path); they are transposed back when saved.
   */
  transposed: boolean;
}

/**
 * Every parameter of the model for `config`, in HF order, under the LLaMA names the model uses for every family
 * (`model.layers.0.self_attn.q_proj.weight`; see `checkpointTensors` for the family's own names). 1-D tensors
 * (norms, Qwen2's q/k/v biases, Qwen3's q/k norms) are always float32 tfjs variables.
 */
export function parameterSpecs(config: LlamaConfig): ParameterSpec[] {
  const {
    vocabSize: V,
    hiddenSize: D,
    intermediateSize: I,
    numAttentionHeads: H,
    numKeyValueHeads: KV,
    headDim,
  } = config;
  const specs: ParameterSpec[] = [{ name: 'model.embed_tokens.weight', shape: [V, D], transposed: false }];
  const linear = (name: string, out: number, input: number) =>
    specs.push({ name, shape: [out, input], transposed: true });
  const vector = (name: string, size: number) => specs.push({ name, shape: [size], transposed: false });
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const prefix = `model.layers.${i}`;
    vector(`${prefix}.input_layernorm.weight`, D);
    for (const [module, out] of [
      ['q_proj', H * headDim],
      ['k_proj', KV * headDim],
      ['v_proj', KV * headDim],
    ] as const) {
      linear(`${prefix}.self_attn.${module}.weight`, out, D);
      if (config.qkvBias) vector(`${prefix}.self_attn.${module}.bias`, out);
    }
    linear(`${prefix}.self_attn.o_proj.weight`, D, H * headDim);
    if (config.qkNorm) {
      vector(`${prefix}.self_attn.q_norm.weight`, headDim);
      vector(`${prefix}.self_attn.k_norm.weight`, headDim);
    }
    vector(`${prefix}.post_attention_layernorm.weight`, D);
    linear(`${prefix}.mlp.gate_proj.weight`, I, D);
    linear(`${prefix}.mlp.up_proj.weight`, I, D);
    linear(`${prefix}.mlp.down_proj.weight`, D, I);
  }
  vector('model.norm.weight', D);
  if (!config.tieWordEmbeddings) linear('lm_head.weight', V, D);
  return specs;
}

/** Tensors HF checkpoints may hold that carry no parameters. */
const IGNORED = /(^|\.)rotary_emb\.inv_freq$/;

/** Model parameters by HF name, as tfjs variables (linear weights `[in, out]`). */
export type LlamaParameters = Map<string, tf.Variable>;

/**
 * Check a weight source against `config` (every tensor present with the right shape, nothing unexpected), naming
 * the first bad tensor and its file. `tensors` are the names and shapes to expect: by default the model's
 * parameters; a checkpoint in its family's own layout is checked against `checkpointTensors(config)`.
 */
export function validateSource(
  source: WeightSource,
  config: LlamaConfig,
  tensors: ReadonlyArray<{ name: string; shape: number[] }> = parameterSpecs(config),
): void {
  const expected = new Set(tensors.map((spec) => spec.name));
  for (const spec of tensors) {
    const info = source.tensor(spec.name);
    if (!info) throw new WeightError(spec.name, `shape [${spec.shape.join(', ')}]`, 'missing', source.path);
    if (
      info.shape.length !== spec.shape.length ||
      info.shape.some((size, axis) => size !== spec.shape[axis])
    ) {
      throw new WeightError(
        spec.name,
        `shape [${spec.shape.join(', ')}] (from the config)`,
        `[${info.shape.join(', ')}]`,
        info.path,
      );
    }
  }
  const family = config.modelType === 'llama' ? 'LlamaForCausalLM' : `${config.modelType} model`;
  for (const name of source.names) {
    if (expected.has(name) || IGNORED.test(name)) continue;
    // A tied checkpoint may still carry the output matrix (a copy of the embedding).
    if (config.tieWordEmbeddings && (name === 'lm_head.weight' || name === 'output.weight')) continue;
    throw new WeightError(
      name,
      `absent (not a ${family} parameter for this config)`,
      'unexpected',
      source.tensor(name)?.path ?? source.path,
    );
  }
}

/** Progress of a model load, reported after each tensor. */
export interface LoadProgress {
  /** Tensors loaded so far, and in all. */
  tensors: number;
  totalTensors: number;
  /** Bytes of weights loaded so far, and in all (as held: f32, f16, bf16 or quantized). */
  bytes: number;
  totalBytes: number;
  /** The tensor just loaded. */
  tensor: string;
  bytesPerSecond: number;
  etaSeconds: number;
}

/** A variable in memory layout from HF-layout float32 values. */
export function toVariable(data: Float32Array, spec: ParameterSpec): tf.Variable {
  const value = tf.tidy(() => {
    const tensor = tf.tensor(data, spec.shape, 'float32');
    return spec.transposed ? tf.transpose(tensor) : tensor;
  });
  const variable = tf.variable(value, false);
  value.dispose();
  return variable;
}

/** HF-layout float32 values of a parameter (linear weights transposed back to `[out, in]`). */
export async function hfValues(variable: tf.Tensor, spec: ParameterSpec): Promise<Float32Array> {
  const tensor = spec.transposed ? tf.transpose(variable) : variable;
  const values = (await tensor.data()) as Float32Array;
  if (tensor !== variable) tensor.dispose();
  return values;
}
