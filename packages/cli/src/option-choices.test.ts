import type { WriteInstructionDatasetOptions } from '@lawgpt/data-gen';
import type {
  BackendName,
  ExportGgufDtype,
  FloatDtype,
  GenerateOptions,
  LoadModelOptions,
} from '@lawgpt/llama-core';
import type { LearningRateSchedule } from '@lawgpt/lora';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  BACKEND_NAMES,
  FLOAT_DTYPES,
  GGUF_DTYPES,
  INSTRUCTION_FORMATS,
  KV_DTYPES,
  SCHEDULES,
  WEIGHT_DTYPES,
} from './option-choices.js';

type Names<T extends readonly string[]> = T[number];

describe('option choices', () => {
  it('name every member of the library types (checked by tsc)', () => {
    expectTypeOf<Names<typeof BACKEND_NAMES>>().toEqualTypeOf<BackendName>();
    expectTypeOf<Names<typeof FLOAT_DTYPES>>().toEqualTypeOf<FloatDtype>();
    expectTypeOf<Names<typeof GGUF_DTYPES>>().toEqualTypeOf<ExportGgufDtype>();
    expectTypeOf<Names<typeof SCHEDULES>>().toEqualTypeOf<LearningRateSchedule['decay']>();
    expectTypeOf<Names<typeof INSTRUCTION_FORMATS>>().toEqualTypeOf<
      NonNullable<WriteInstructionDatasetOptions['format']>
    >();
    expectTypeOf<Names<typeof KV_DTYPES>>().toEqualTypeOf<NonNullable<GenerateOptions['kvCacheDtype']>>();
    // loadModel also takes `float32`, the old spelling of f32, which the CLI does not offer
    expectTypeOf<Names<typeof WEIGHT_DTYPES>>().toEqualTypeOf<
      Exclude<NonNullable<LoadModelOptions['dtype']>, 'float32'>
    >();
  });

  it('list each name once', () => {
    for (const list of [
      INSTRUCTION_FORMATS,
      BACKEND_NAMES,
      FLOAT_DTYPES,
      GGUF_DTYPES,
      SCHEDULES,
      KV_DTYPES,
      WEIGHT_DTYPES,
    ])
      expect(new Set(list).size).toBe(list.length);
  });
});
