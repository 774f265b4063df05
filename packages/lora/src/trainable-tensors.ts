import type { LlamaModel } from '@lawgpt/llama-core';
import type * as tf from '@tensorflow/tfjs-core';
import { TrainingError } from './errors.js';
import { type LoraAdapter, savedParameterNames } from './lora-adapter.js';
import { loraTensorNames, savedModuleTensorName } from './target-modules.js';

/**
 * What a run trains, by checkpoint name: the adapter's A/B factors and `modules_to_save` (unfrozen to float32
 * when the engine holds them), or every weight for full fine-tuning (refused for engine-held weights).
 */
export function trainableTensors(model: LlamaModel, adapter?: LoraAdapter): Map<string, tf.Variable> {
  const trainable = new Map<string, tf.Variable>();
  if (!adapter) {
    if (model.stored.size > 0) {
      const [name, weight] = [...model.stored][0]!;
      throw new TrainingError(
        `full fine-tuning trains every weight, but ${model.stored.size} are frozen ${weight.format} weights held by the engine (e.g. ${name}); load the model with dtype "f32" (storage "tensor"), or train a LoRA adapter`,
        { field: 'model' },
      );
    }
    for (const [name, variable] of model.parameters) trainable.set(name, variable);
    return trainable;
  }
  // modules_to_save are trained in full: a quantized or half-precision base gives them float32 variables.
  model.unfreeze(savedParameterNames(adapter.config));
  for (const module of adapter.modules.values()) {
    const names = loraTensorNames(module.name);
    trainable.set(names.a, module.a);
    trainable.set(names.b, module.b);
  }
  for (const name of savedParameterNames(adapter.config)) {
    trainable.set(savedModuleTensorName(name.replace(/\.weight$/, '')), model.parameter(name));
  }
  return trainable;
}
