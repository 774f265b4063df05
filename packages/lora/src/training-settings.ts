import { createHash } from 'node:crypto';
import type { LlamaModel } from '@lawgpt/llama-core';
import type { SettingChange } from './errors.js';
import type { LoraAdapter } from './lora-adapter.js';
import type { TrainingExample } from './training-data.js';

/** A value of a stored training setting. */
export type SettingValue = string | number | boolean | null;

/** Settings that change what a run computes, stored with each checkpoint and compared on resume. */
export type TrainingSettings = Record<string, SettingValue>;

/** SHA-256 of the examples' token ids and labels, in order (changes with the data, tokenizer or template). */
export function examplesDigest(examples: TrainingExample[]): string {
  const hash = createHash('sha256');
  for (const { inputIds, labels } of examples) {
    hash.update(new Int32Array([inputIds.length, ...inputIds, ...labels]));
  }
  return hash.digest('hex');
}

/**
 * Formats of the model's 2-D weights (`f32`, `bf16`, `q8_0`, …, sorted and comma-joined): the base a LoRA
 * run trains on. Read before `modules_to_save` are unfrozen to f32.
 */
export function baseWeightFormats(model: LlamaModel): string {
  const names = [...model.parameters.keys(), ...model.stored.keys()];
  const formats = names
    .filter((name) => model.parameterSpec(name).shape.length === 2)
    .map((name) => model.weightFormat(name));
  return [...new Set(formats)].sort().join(',');
}

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The adapter's settings (rank, alpha, dropout, targets, …); none for full fine-tuning. */
export function adapterSettings(adapter: LoraAdapter | undefined): TrainingSettings {
  if (!adapter) return { method: 'full' };
  const { config } = adapter;
  return {
    method: 'lora',
    r: config.r,
    loraAlpha: config.loraAlpha,
    loraDropout: config.loraDropout,
    targetModules: text(config.targetModules),
    modulesToSave: config.modulesToSave.join(','),
    useRslora: config.useRslora,
    rankPattern: text(config.rankPattern),
    alphaPattern: text(config.alphaPattern),
    layersToTransform: config.layersToTransform === null ? null : config.layersToTransform.join(','),
  };
}

/** Every setting whose value differs between `checkpoint` and `current` (missing on either side counts). */
export function compareSettings(
  checkpoint: Record<string, unknown>,
  current: TrainingSettings,
): SettingChange[] {
  const names = [...new Set([...Object.keys(current), ...Object.keys(checkpoint)])];
  return names
    .filter((name) => JSON.stringify(checkpoint[name]) !== JSON.stringify(current[name]))
    .map((setting) => ({ setting, checkpoint: checkpoint[setting], current: current[setting] }));
}

/** `  learningRate: 0.0003 (checkpoint) → 0.1 (this run)`, one line per change. */
export function formatSettingChanges(changes: SettingChange[], name = (setting: string) => setting): string {
  const shown = (value: unknown) => {
    if (value === undefined) return '(not set)';
    const string = typeof value === 'string' ? value : JSON.stringify(value);
    return string.length > 40 ? `${string.slice(0, 16)}…` : string;
  };
  return changes
    .map(({ setting, checkpoint, current }) => `  ${name(setting)}: ${shown(checkpoint)} → ${shown(current)}`)
    .join('\n');
}
