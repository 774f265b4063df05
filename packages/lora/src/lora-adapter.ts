import type { LlamaModel } from '@lawgpt/llama-core';
import { createRng } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs';
import type { LoraConfig } from './adapter-config.js';
import { AdapterShapeError } from './errors.js';
import { isTargetModule, llamaModuleNames, moduleRankAndScaling, savedModuleName } from './target-modules.js';

/** The LoRA factors of one linear module, kept in the layout of the fast untransposed matMul. */
export interface LoraModule {
  /** HF module name, e.g. `model.layers.0.self_attn.q_proj`. */
  name: string;
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

/** `[out, in]` of a linear module of `model` (from its HF weight shape). */
export function linearShape(model: LlamaModel, moduleName: string): [number, number] {
  const shape = model.parameterSpec(`${moduleName}.weight`).shape;
  return [shape[0], shape[1]];
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
  const rng = createRng(seed);
  const modules = new Map<string, LoraModule>();
  for (const name of llamaModuleNames(model.config.numHiddenLayers)) {
    if (!isTargetModule(config, name)) continue;
    const [out, input] = linearShape(model, name);
    const { rank, scaling } = moduleRankAndScaling(config, name);
    const bound = 1 / Math.sqrt(input);
    const a = new Float32Array(input * rank).map(() => (2 * rng() - 1) * bound);
    modules.set(name, {
      name,
      rank,
      scaling,
      a: tf.variable(tf.tensor2d(a, [input, rank]), true),
      b: tf.variable(tf.zeros([rank, out]), true),
    });
  }
  if (modules.size === 0 && config.modulesToSave.length === 0) {
    throw new AdapterShapeError(
      `target_modules ${JSON.stringify(config.targetModules)} match no module of the model`,
      {
        field: 'target_modules',
        actual: config.targetModules,
      },
    );
  }
  return { config, modules, savedWeights: new Map() };
}

/** Free the adapter's tensors. */
export function disposeLoraAdapter(adapter: LoraAdapter): void {
  for (const module of adapter.modules.values()) {
    module.a.dispose();
    module.b.dispose();
  }
  adapter.modules.clear();
}
