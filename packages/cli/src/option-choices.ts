// The names option values choose from, as `CommandOption.choices`. The libraries export these as types only;
// `satisfies` checks each list against its type, and option-choices.test.ts checks that none is missing.

import type { WriteInstructionDatasetOptions } from '@lawgpt/data-gen';
import type {
  BackendName,
  ExportGgufDtype,
  FloatDtype,
  GenerateOptions,
  LoadModelOptions,
} from '@lawgpt/llama-core';
import type { LearningRateSchedule } from '@lawgpt/lora';

/** `--backend`: the TensorFlow.js backends @lawgpt/engine selects. */
export const BACKEND_NAMES = [
  'tensorflow',
  'gpu',
  'webgpu',
  'wasm',
  'cpu',
] as const satisfies readonly BackendName[];

/** `--dtype` of the commands that load a model: the weight formats `loadModel` takes. */
export const WEIGHT_DTYPES = [
  'auto',
  'f32',
  'bf16',
  'f16',
  'q8_0',
  'q4_0',
] as const satisfies readonly NonNullable<LoadModelOptions['dtype']>[];

/** `lawgpt merge --dtype`: the stored dtypes of a safetensors checkpoint. */
export const FLOAT_DTYPES = ['F32', 'F16', 'BF16'] as const satisfies readonly FloatDtype[];

/** `lawgpt merge --type`: the tensor types `exportGguf` writes. */
export const GGUF_DTYPES = [
  'F32',
  'F16',
  'BF16',
  'Q8_0',
  'Q4_0',
] as const satisfies readonly ExportGgufDtype[];

/** `--schedule` and a stage's `schedule`: the learning-rate decays. */
export const SCHEDULES = [
  'linear',
  'cosine',
  'constant',
] as const satisfies readonly LearningRateSchedule['decay'][];

/** `lawgpt infer --kv-dtype`: the KV cache element types. */
export const KV_DTYPES = ['f32', 'f16'] as const satisfies readonly NonNullable<
  GenerateOptions['kvCacheDtype']
>[];

/** `lawgpt data --format`: the instruction dataset files @lawgpt/data-gen writes. */
export const INSTRUCTION_FORMATS = ['json', 'jsonl'] as const satisfies readonly NonNullable<
  WriteInstructionDatasetOptions['format']
>[];
