import { mkdir } from 'node:fs/promises';
import type { LlamaModel } from '@lawgpt/llama-core';
import { AdamW } from './adamw.js';
import { saveLoraAdapter } from './adapter-io.js';
import { collate, dropoutSeed } from './batching.js';
import {
  readTrainerState,
  removeLeftovers,
  restoreCheckpoint,
  restoreTrainable,
  type TrainerState,
  writeCheckpoint,
  writeTrainerState,
} from './checkpoint.js';
import type { WeightedDataset } from './dataset-mixture.js';
import { ResumeMismatchError, type SettingChange } from './errors.js';
import { createExampleStream, type ExampleStream, restoreMixing } from './example-stream.js';
import { type LearningRateSchedule, learningRateAt } from './learning-rate.js';
import type { LoraAdapter } from './lora-adapter.js';
import { acquireOutputLock, type LockOwner } from './output-lock.js';
import { clipAndApply, stepGradients } from './step-gradients.js';
import { trainableTensors } from './trainable-tensors.js';
import type { TrainingExample } from './training-data.js';
import {
  adapterSettings,
  baseWeightFormats,
  compareSettings,
  formatSettingChanges,
  type TrainingSettings,
} from './training-settings.js';

/** Progress of a training run, reported after every optimizer step. */
export interface TrainingProgress {
  step: number;
  totalSteps: number;
  /** Fractional epoch. */
  epoch: number;
  /** Mean loss of this step's micro-batches. */
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
  /** True when this step resumed from a checkpoint (first step after a restart). */
  resumed: boolean;
}

/** How a run starts, reported once before its first step. */
export interface TrainingStart {
  /** Optimizer steps already done (0 for a fresh run). */
  step: number;
  totalSteps: number;
  /** True when a checkpoint in the output folder was restored. */
  resumed: boolean;
  /** Settings that differ from the checkpoint's (only with `forceResume`; otherwise that is an error). */
  changedSettings: SettingChange[];
  /** A lock left by a run that is gone, which this run removed. */
  staleLock?: LockOwner;
}

/** Options for {@link trainCausalLm}. */
export interface TrainOptions {
  model: LlamaModel;
  /** LoRA adapter to train (its factors and `modules_to_save`); without one, every model weight is trained. */
  adapter?: LoraAdapter;
  /** The training examples, read in a seeded shuffled order per epoch. */
  examples?: TrainingExample[];
  /**
   * Instead of `examples`: datasets drawn by weight ({@link createDatasetMixture}, seeded with `seed`). The
   * mixture's position is stored with each checkpoint; the weights and sizes are settings compared on resume.
   * Epochs count all datasets' examples together.
   */
  datasets?: Array<WeightedDataset<TrainingExample>>;
  /** Draws per mixing block (with `datasets`). Default 100. */
  mixBlockSize?: number;
  /** Folder for checkpoints and the final adapter (PEFT format) or model (HF format). */
  outputDir: string;
  /** Examples per micro-batch. Default 4. */
  batchSize?: number;
  /** Micro-batches per optimizer step. Default 1. */
  gradientAccumulationSteps?: number;
  /** Passes over the data (ignored when `maxSteps` is set). Default 1. */
  epochs?: number;
  maxSteps?: number;
  /** Peak learning rate. Default 3e-4 (LaWGPT's LoRA setting). */
  learningRate?: number;
  warmupSteps?: number;
  schedule?: LearningRateSchedule['decay'];
  weightDecay?: number;
  /** Clip the global gradient norm to this (0 = off). Default 1. */
  maxGradNorm?: number;
  /** Checkpoint every N steps (0 = only at the end). Default 50. */
  saveEvery?: number;
  /** Continue from the checkpoint in `outputDir` if there is one. Default true. */
  resume?: boolean;
  /**
   * Resume even though settings that change the result differ from the checkpoint's (they are reported in
   * `onStart` and the result). Default false: that is a {@link ResumeMismatchError} listing each difference.
   */
  forceResume?: boolean;
  /** More settings that change the result (e.g. data file hashes), stored and compared like the trainer's own. */
  settings?: TrainingSettings;
  /** Seed of the data order (per epoch) and the dropout masks (per micro-batch). Default 42. */
  seed?: number;
  /** Token id used to pad batches. Default 0. */
  padId?: number;
  /** Stops the run after the current optimizer step, with a checkpoint. */
  signal?: AbortSignal;
  onStart?: (start: TrainingStart) => void;
  onProgress?: (progress: TrainingProgress) => void;
}

/** What a finished (or aborted) run returns. */
export interface TrainResult {
  steps: number;
  /** Loss of the last step done (also when that step was done by an earlier, resumed run). */
  finalLoss: number;
  history: Array<{ step: number; loss: number; learningRate: number }>;
  /** True if `signal` stopped the run (its last checkpoint is in `outputDir`). */
  aborted: boolean;
  /** True if the run in `outputDir` had already finished, so nothing was trained. */
  alreadyFinished: boolean;
  /** Settings changed against the checkpoint (with `forceResume`). */
  changedSettings: SettingChange[];
}

/** The settings of this run that change its result, stored with each checkpoint. */
function runSettings(options: TrainOptions, stream: ExampleStream, totalSteps: number): TrainingSettings {
  const { model, adapter, batchSize = 4, gradientAccumulationSteps = 1 } = options;
  const { learningRate = 3e-4, warmupSteps = 0, schedule = 'linear', weightDecay = 0 } = options;
  const { maxGradNorm = 1, seed = 42, padId = 0 } = options;
  return {
    ...adapterSettings(adapter),
    baseDtype: baseWeightFormats(model),
    learningRate,
    schedule,
    warmupSteps,
    weightDecay,
    maxGradNorm,
    batchSize,
    gradientAccumulationSteps,
    totalSteps,
    seed,
    padId,
    ...stream.settings,
    ...options.settings,
  };
}

/** Settings changed against the checkpoint; an error listing them unless `force`. */
function checkResume(
  previous: TrainerState,
  settings: TrainingSettings,
  outputDir: string,
  force: boolean,
): SettingChange[] {
  const changes = compareSettings(previous.settings ?? previous.fingerprint ?? {}, settings);
  if (changes.length > 0 && !force) {
    throw new ResumeMismatchError(
      `${outputDir}: the checkpoint (step ${previous.step}) was made with other settings:\n` +
        `${formatSettingChanges(changes)}\nrun with the checkpoint's settings, resume anyway ` +
        '(forceResume), or start over (another output folder, or resume: false)',
      { path: outputDir, field: changes[0]!.setting, changes },
    );
  }
  return changes;
}

/**
 * Train a causal LM — LoRA (continued pretraining or SFT, as LaWGPT) or full fine-tuning — with AdamW,
 * warm-up + decay, gradient accumulation and clipping. Checkpoints are atomic; a restarted run with the same
 * settings continues from the last one and ends byte-identical to an uninterrupted run (data order and dropout
 * masks are functions of the seed and the step). A lock file in `outputDir` refuses a second run there.
 */
export async function trainCausalLm(options: TrainOptions): Promise<TrainResult> {
  const { examples, datasets, batchSize = 4, seed = 42, mixBlockSize } = options;
  const stream = createExampleStream({ examples, datasets, batchSize, seed, mixBlockSize });
  await mkdir(options.outputDir, { recursive: true });
  const lock = await acquireOutputLock(options.outputDir);
  try {
    return await train(options, stream, lock.staleOwner);
  } finally {
    await lock.release();
  }
}

async function train(
  options: TrainOptions,
  stream: ExampleStream,
  staleLock: LockOwner | undefined,
): Promise<TrainResult> {
  const { model, adapter, outputDir, batchSize = 4, gradientAccumulationSteps = 1 } = options;
  const { learningRate = 3e-4, warmupSteps = 0, schedule = 'linear', weightDecay = 0 } = options;
  const { maxGradNorm = 1, saveEvery = 50, resume = true, forceResume = false, seed = 42 } = options;
  const { padId = 0, signal, onStart, onProgress, epochs = 1 } = options;
  const batchesPerEpoch = Math.ceil(stream.epochSize / batchSize);
  const totalSteps = options.maxSteps ?? Math.ceil((epochs * batchesPerEpoch) / gradientAccumulationSteps);
  const settings = runSettings(options, stream, totalSteps);

  // 1. The earlier run in outputDir: its settings must match (or forceResume), a finished one is reported.
  // (with resume off, an unreadable state file is no reason to stop: the run starts over)
  const existing = await readTrainerState(outputDir).catch((error: unknown) => {
    if (resume) throw error;
    return undefined;
  });
  const previous = resume ? existing : undefined;
  const changedSettings = previous ? checkResume(previous, settings, outputDir, forceResume) : [];
  if (previous?.finished && previous.step >= totalSteps) {
    // the caller goes on with `model`/`adapter` (merge, evaluate): they get the trained weights, not their init
    await restoreTrainable(outputDir, previous, trainableTensors(model, adapter));
    const { step, history } = previous;
    const finalLoss = history.at(-1)?.loss ?? Number.NaN;
    return { steps: step, finalLoss, history, aborted: false, alreadyFinished: true, changedSettings };
  }
  await removeLeftovers(outputDir, existing?.checkpoint);

  // 2. Trainable tensors and optimizer, restored from the last checkpoint when resuming.
  const trainable = trainableTensors(model, adapter);
  for (const variable of trainable.values()) variable.trainable = true;
  const optimizer = new AdamW({ weightDecay });
  let step = 0;
  let history: TrainResult['history'] = [];
  if (previous) {
    optimizer.importState(await restoreCheckpoint(outputDir, previous, trainable));
    step = previous.step;
    history = previous.history;
    restoreMixing(stream, previous, step * gradientAccumulationSteps, changedSettings.length > 0);
  }
  onStart?.({ step, totalSteps, resumed: previous !== undefined, changedSettings, staleLock });
  const started = Date.now();
  const startStep = step;
  let tokens = 0;
  let lastLoss = history.at(-1)?.loss ?? Number.NaN;

  // 3. One step's micro-batches, each with its dropout masks seeded from the run's seed and its index.
  const stepBatches = () =>
    Array.from({ length: gradientAccumulationSteps }, (_, micro) => {
      const index = step * gradientAccumulationSteps + micro;
      return { batch: collate(stream.microBatch(index), padId), dropoutSeed: dropoutSeed(seed, index) };
    });

  const state = (): Omit<TrainerState, 'checkpoint'> => ({
    step,
    totalSteps,
    settings,
    history,
    mixing: stream.mixing(),
  });
  const save = async () => writeCheckpoint(outputDir, state(), trainable, await optimizer.exportState());

  while (step < totalSteps) {
    // Let signal handlers run: without a macrotask turn, a SIGINT would wait for the next file write.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) break;
    const {
      summed,
      loss,
      tokens: stepTokens,
    } = await stepGradients(model, adapter, trainable, stepBatches());
    tokens += stepTokens;
    // 4. Clip by global norm, update, log.
    const rate = learningRateAt(step, { learningRate, warmupSteps, totalSteps, decay: schedule });
    const gradNorm = await clipAndApply(optimizer, trainable, summed, maxGradNorm, rate);
    step++;
    lastLoss = loss;
    history.push({ step, loss, learningRate: rate });
    const elapsedSeconds = (Date.now() - started) / 1000;
    const perStep = elapsedSeconds / (step - startStep);
    onProgress?.({
      step,
      totalSteps,
      epoch: (step * gradientAccumulationSteps) / batchesPerEpoch,
      loss,
      learningRate: rate,
      gradNorm,
      tokensPerSecond: tokens / Math.max(elapsedSeconds, 1e-9),
      elapsedSeconds,
      etaSeconds: perStep * (totalSteps - step),
      resumed: previous !== undefined && step === startStep + 1,
    });
    if (saveEvery > 0 && step % saveEvery === 0 && step < totalSteps) await save();
  }

  // 5. Final checkpoint, the trained weights in the format users load, then the state marked finished.
  await save();
  const aborted = step < totalSteps;
  if (!aborted) {
    if (adapter) await saveLoraAdapter(adapter, outputDir, { model });
    else await model.save(outputDir);
    await writeTrainerState(outputDir, { ...state(), checkpoint: `checkpoint-${step}`, finished: true });
  }
  for (const variable of trainable.values()) variable.trainable = false;
  optimizer.dispose();
  return { steps: step, finalLoss: lastLoss, history, aborted, alreadyFinished: false, changedSettings };
}
