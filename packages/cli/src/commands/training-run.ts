// Running `trainCausalLm` for `lawgpt pretrain|sft`: Ctrl-C/SIGTERM, resume messages, settings checks in flag names.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { LlamaModel } from '@lawgpt/llama-core';
import {
  applySavedWeights,
  createLoraAdapter,
  createLoraConfig,
  type LoraAdapter,
  loadLoraAdapter,
  ResumeMismatchError,
  type SettingChange,
  type TrainingExample,
  type TrainingStart,
  type TrainOptions,
  type TrainResult,
  trainCausalLm,
} from '@lawgpt/lora';
import type { CommandIO, ParsedArgs } from '../command.js';
import { INTERRUPTED, runInterruptible } from '../interrupt.js';
import { commaList, numberValue, requireString } from '../option-values.js';
import { formatTrainingProgress } from '../progress.js';
import { DEFAULT_SEED } from '../seed.js';
import type { TrainingStage } from './training-plan.js';

/** The flag (or what else) behind each setting a checkpoint stores. */
const SETTING_NAMES: Record<string, string> = {
  method: '--full',
  r: '--lora-r',
  loraAlpha: '--lora-alpha',
  loraDropout: '--lora-dropout',
  targetModules: '--target-modules',
  modulesToSave: '--modules-to-save',
  useRslora: '--rslora',
  baseDtype: '--base-dtype (weight formats of the base)',
  learningRate: '--lr',
  schedule: '--schedule',
  warmupSteps: '--warmup',
  weightDecay: '--weight-decay',
  batchSize: '--batch-size',
  gradientAccumulationSteps: '--grad-accum',
  totalSteps: 'total steps (--max-steps, --epochs)',
  seed: '--seed',
  padId: 'pad id of the tokenizer',
  examples: 'number of examples',
  examplesSha256: 'examples (token ids: data, tokenizer, template, lengths)',
  dataSha256: '--data (SHA-256 of the files)',
  mixWeights: '--data weights (normalised)',
  mixSizes: 'examples per --data file',
  mixBlockSize: 'draws per mixing block',
  initAdapterSha256: '--init-adapter or the last stage (SHA-256 of its adapter_model.safetensors)',
};

const settingName = (setting: string) => SETTING_NAMES[setting] ?? setting;

/** `  --lr: 0.0003 → 0.1`, one line per change. */
function formatChanges(changes: SettingChange[]): string {
  const shown = (value: unknown) => {
    if (value === undefined) return '(not set)';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 16)}…` : text;
  };
  return changes
    .map(
      (change) => `  ${settingName(change.setting)}: ${shown(change.checkpoint)} → ${shown(change.current)}`,
    )
    .join('\n');
}

/** SHA-256 of each data file (hex, comma-joined, in order): stored with the checkpoint and compared on resume. */
export async function dataFilesDigest(files: string[]): Promise<string> {
  const digests: string[] = [];
  for (const file of files) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    digests.push(hash.digest('hex'));
  }
  return digests.join(',');
}

function describeStart(label: string, start: TrainingStart): string {
  const lines: string[] = [];
  if (start.staleLock) {
    const { pid, startedAt } = start.staleLock;
    lines.push(`${label}: removed a stale lock of process ${pid} (since ${startedAt}, no longer running)`);
  }
  if (start.changedSettings.length > 0) {
    lines.push(
      `${label}: --force-resume: continuing from step ${start.step} although these settings changed:`,
      formatChanges(start.changedSettings),
    );
  } else if (start.resumed) lines.push(`${label}: resuming from step ${start.step} of ${start.totalSteps}`);
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Train with progress lines on stderr; the first SIGINT/SIGTERM finishes the current optimizer step, saves a
 * checkpoint and returns 130, a second ends the process at once. Returns the exit code and the result.
 */
export async function runTrainingJob(
  label: string,
  io: CommandIO,
  options: Omit<TrainOptions, 'signal' | 'onStart' | 'onProgress'>,
): Promise<{ code: number; result?: TrainResult }> {
  let result: TrainResult | undefined;
  let totalSteps = 0;
  const code = await runInterruptible(
    label,
    io,
    {
      finishing: 'finishing the current step and saving a checkpoint',
      stopped: () =>
        `at step ${result?.steps}/${totalSteps}, checkpoint ${join(options.outputDir, `checkpoint-${result?.steps}`)}; ` +
        'run the same command again to resume',
    },
    async (signal) => {
      try {
        result = await trainCausalLm({
          ...options,
          signal,
          onStart: (start) => {
            totalSteps = start.totalSteps;
            io.stderr(describeStart(label, start));
          },
          onProgress: (progress) => io.stderr(`${formatTrainingProgress(label, progress)}\n`),
        });
      } catch (error) {
        if (!(error instanceof ResumeMismatchError)) throw error;
        throw new Error(
          `${options.outputDir}: the checkpoint was made with other settings:\n${formatChanges(error.changes)}\n` +
            "rerun with the checkpoint's settings, add --force-resume to continue with these, or start over " +
            '(--no-resume, or another --output)',
          { cause: error },
        );
      }
      return result.aborted ? INTERRUPTED : 0;
    },
  );
  return { code, result };
}

/** What {@link runStage} trains, besides the stage. */
export interface StageRun {
  /** Progress label: `sft`, or `sft stage 1/2 (mixed)`. */
  label: string;
  io: CommandIO;
  stage: TrainingStage;
  outputDir: string;
  adapter: LoraAdapter | undefined;
  /** The folder `adapter` was loaded from (`--init-adapter`, or the last stage's output). */
  initAdapter?: string;
  /** Tokenized examples of some data files. */
  build: (files: string[]) => Promise<TrainingExample[]>;
  /** The run's other options (model, batch, seed, resume, …). */
  options: Omit<
    TrainOptions,
    'examples' | 'datasets' | 'adapter' | 'outputDir' | 'learningRate' | 'maxSteps' | 'epochs' | 'settings'
  >;
}

/**
 * Train one stage: its files concatenated, or drawn by weight (a seeded mixture whose position each checkpoint
 * stores); the data files' and the initial adapter's SHA-256 are settings a resume must match.
 */
export async function runStage({
  label,
  io,
  stage,
  outputDir,
  adapter,
  initAdapter,
  build,
  options,
}: StageRun) {
  const files = stage.data.map((spec) => spec.path);
  const weighted = stage.data[0]?.weight !== undefined;
  const data = weighted
    ? {
        datasets: await Promise.all(
          stage.data.map(async ({ path, weight }) => ({
            name: path,
            weight: weight ?? 1,
            examples: await build([path]),
          })),
        ),
      }
    : { examples: await build(files) };
  const settings = {
    dataSha256: await dataFilesDigest(files),
    ...(initAdapter && {
      initAdapterSha256: await dataFilesDigest([join(initAdapter, 'adapter_model.safetensors')]),
    }),
  };
  const described = data.datasets
    ? `${data.datasets.map((set) => `${set.examples.length} (weight ${set.weight})`).join(' + ')} examples mixed by weight`
    : `${data.examples.length} examples`;
  const method = adapter
    ? `LoRA on ${adapter.modules.size} modules${initAdapter ? ` from ${initAdapter}` : ''}`
    : 'full fine-tuning';
  io.stderr(`${label}: ${described}, ${method}, backend ${options.model.backend?.name ?? '?'}\n`);
  return runTrainingJob(label, io, {
    ...options,
    ...data,
    adapter,
    outputDir,
    learningRate: stage.learningRate,
    maxSteps: stage.maxSteps,
    epochs: stage.epochs,
    warmupSteps: stage.warmupSteps,
    schedule: stage.schedule,
    settings,
  });
}

/** The adapter a stage trains: the one in `initDir` (its shape from its config) or a fresh one from the options. */
export async function stageAdapter(
  model: LlamaModel,
  values: ParsedArgs['values'],
  modulesToSave: string[],
  initDir: string | undefined,
): Promise<LoraAdapter | undefined> {
  if (values.full) return undefined;
  if (initDir) {
    const adapter = await loadLoraAdapter(initDir, { model });
    await applySavedWeights(model, adapter);
    return adapter;
  }
  return createLoraAdapter({
    model,
    seed: numberValue(values.seed, '--seed') ?? DEFAULT_SEED,
    config: createLoraConfig({
      r: numberValue(values['lora-r'], '--lora-r'),
      loraAlpha: numberValue(values['lora-alpha'], '--lora-alpha'),
      loraDropout: numberValue(values['lora-dropout'], '--lora-dropout'),
      targetModules: commaList(values['target-modules']),
      modulesToSave,
      useRslora: values.rslora === true,
      baseModelNameOrPath: requireString(values.model, '--model'),
    }),
  });
}
