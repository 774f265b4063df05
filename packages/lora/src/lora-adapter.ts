import type { CheckpointLinear, LlamaModel } from '@lawgpt/llama-core';
import { checkpointLinears, createRng } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LoraConfig } from './adapter-config.js';
import { AdapterConfigError, AdapterShapeError } from './errors.js';
import { isTargetModule, moduleRankAndScaling, savedModuleName } from './target-modules.js';

/** The LoRA factors of one linear module, kept in the layout of the fast untransposed matMul. */
export interface LoraModule {
  /**
   * Module name as the checkpoint and PEFT name it, e.g. `model.layers.0.self_attn.q_proj` (InternLM2:
   * `model.layers.0.attention.wqkv`, `model.layers.0.feed_forward.w1`).
   */
  name: string;
  /**
   * The model's linear modules (LLaMA names) it adapts and their output rows in this module: one module with all
   * rows, except InternLM2's packed `wqkv` (q, k and v, each by row ranges).
   */
  targets: Array<{ module: string; ranges: Array<[number, number]> }>;
  rank: number;
  scaling: number;
  /** Aᵀ: [in, rank] (PEFT stores A as [rank, in]). */
  a: tf.Variable;
  /** Bᵀ: [rank, out] (PEFT stores B as [out, rank]). */
  b: tf.Variable;
}

/** A LoRA adapter: config, low-rank factors by module, and fully saved modules (e.g. a resized embedding). */
export interface LoraAdapter {
  config: LoraConfig;
  modules: Map<string, LoraModule>;
  /**
   * Full replacement weights in HF layout by HF parameter name (`model.embed_tokens.weight`,
   * `lm_head.weight`), from `modules_to_save`. Training updates the model's own parameters instead.
   */
  savedWeights: Map<string, { shape: number[]; data: Float32Array }>;
}

/** HF parameter names that `modules_to_save` replaces. */
export function savedParameterNames(config: LoraConfig): string[] {
  return config.modulesToSave.map((entry) => `${savedModuleName(entry)}.weight`);
}

/** Options for {@link createLoraAdapter}. */
export interface CreateLoraAdapterOptions {
  model: LlamaModel;
  config: LoraConfig;
  /** Seed of A's initialisation (same seed → same adapter). Default 0. */
  seed?: number;
}

/**
 * A fresh adapter for `model`, initialised as PEFT does: A ~ U(−1/√in, 1/√in) (kaiming-uniform with
 * a = √5), B = 0, so the adapted model starts equal to the base model.
 */
export function createLoraAdapter({ model, config, seed = 0 }: CreateLoraAdapterOptions): LoraAdapter {
  checkModulesToSave(model, config);
  const rng = createRng(seed);
  const modules = new Map<string, LoraModule>();
  for (const { name, shape, parts } of adaptableModules(model, config)) {
    const [out, input] = shape;
    const { rank, scaling } = moduleRankAndScaling(config, name);
    const bound = 1 / Math.sqrt(input);
    const a = new Float32Array(input * rank).map(() => (2 * rng() - 1) * bound);
    modules.set(name, {
      name,
      targets: parts,
      rank,
      scaling,
      a: tf.variable(tf.tensor2d(a, [input, rank]), true),
      b: tf.variable(tf.zeros([rank, out]), true),
    });
  }
  return { config, modules, savedWeights: new Map() };
}

/**
 * The linear modules of `model` that `config` adapts, under the names PEFT gives them for the model's family
 * (`self_attn.q_proj` for LLaMA / Qwen2 / Qwen3, `attention.wqkv` / `attention.wo` / `feed_forward.w1|w2|w3` for
 * InternLM2). Throws {@link AdapterShapeError} on `target_modules` when none matches, naming the family's modules.
 */
export function adaptableModules(model: LlamaModel, config: LoraConfig): CheckpointLinear[] {
  const linears = checkpointLinears(model.config);
  const matched = linears.filter((linear) => isTargetModule(config, linear.name));
  if (matched.length === 0 && config.modulesToSave.length === 0) {
    const suffixes = [...new Set(linears.map((linear) => linear.name.replace(/^model\.layers\.\d+\./, '')))];
    throw new AdapterShapeError(
      `target_modules ${JSON.stringify(config.targetModules)} match no module of the model (${model.config.modelType} models have ${suffixes.join(', ')})`,
      { field: 'target_modules', actual: config.targetModules },
    );
  }
  return matched;
}

/** `modules_to_save` are supported where the checkpoint uses LLaMA's names (not InternLM2's `tok_embeddings`/`output`). */
export function checkModulesToSave(model: LlamaModel, config: LoraConfig): void {
  if (config.modulesToSave.length > 0 && model.config.modelType === 'internlm2') {
    throw new AdapterConfigError(
      `modules_to_save ${JSON.stringify(config.modulesToSave)} on an InternLM2 model is not supported (LoRA target modules are)`,
      { field: 'modules_to_save', actual: config.modulesToSave },
    );
  }
}

/** Free the adapter's tensors. */
export function disposeLoraAdapter(adapter: LoraAdapter): void {
  for (const module of adapter.modules.values()) {
    module.a.dispose();
    module.b.dispose();
  }
  adapter.modules.clear();
}
