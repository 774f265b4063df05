import { mkdir } from 'node:fs/promises';
import { causalLmLoss, type LlamaModel } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from './adamw.js';
import { saveLoraAdapter } from './adapter-io.js';
import { createLoraHook } from './apply-adapter.js';
import { collate, shuffledOrder } from './batching.js';
import { readTrainerState, restoreCheckpoint, writeCheckpoint } from './checkpoint.js';
import { TrainingError } from './errors.js';
import { type LearningRateSchedule, learningRateAt } from './learning-rate.js';
import { type LoraAdapter, savedParameterNames } from './lora-adapter.js';
import { loraTensorNames, savedModuleTensorName } from './target-modules.js';
import type { TrainingExample } from './training-data.js';

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

/** Options for {@link trainCausalLm}. */
export interface TrainOptions {
  model: LlamaModel;
  /** LoRA adapter to train (its factors and `modules_to_save`); without one, every model weight is trained. */
  adapter?: LoraAdapter;
  examples: TrainingExample[];
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
  /** Seed of the data order and dropout. Default 42. */
  seed?: number;
  /** Token id used to pad batches. Default 0. */
  padId?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
}

/** What a finished (or aborted) run returns. */
export interface TrainResult {
  steps: number;
  finalLoss: number;
  history: Array<{ step: number; loss: number; learningRate: number }>;
  /** True if `signal` stopped the run (its last checkpoint is in `outputDir`). */
  aborted: boolean;
}

function trainableTensors(model: LlamaModel, adapter?: LoraAdapter): Map<string, tf.Variable> {
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

/**
 * Train a causal LM — LoRA (continued pretraining or SFT, as LaWGPT) or full fine-tuning — with AdamW,
 * warm-up + decay, gradient accumulation and clipping. Checkpoints are atomic and a restarted run with
 * the same options continues from the last one, on the same data order.
 */
export async function trainCausalLm(options: TrainOptions): Promise<TrainResult> {
  const {
    model,
    adapter,
    examples,
    outputDir,
    batchSize = 4,
    gradientAccumulationSteps = 1,
    epochs = 1,
  } = options;
  const {
    learningRate = 3e-4,
    warmupSteps = 0,
    schedule = 'linear',
    weightDecay = 0,
    maxGradNorm = 1,
  } = options;
  const { saveEvery = 50, resume = true, seed = 42, padId = 0, signal, onProgress } = options;
  if (examples.length === 0) throw new TrainingError('no training examples', { field: 'examples' });
  const batchesPerEpoch = Math.ceil(examples.length / batchSize);
  const totalSteps = options.maxSteps ?? Math.ceil((epochs * batchesPerEpoch) / gradientAccumulationSteps);
  const fingerprint = { examples: examples.length, batchSize, gradientAccumulationSteps, seed, totalSteps };
  await mkdir(outputDir, { recursive: true });

  // 1. Trainable tensors and optimizer, restored from the last checkpoint when resuming.
  const trainable = trainableTensors(model, adapter);
  for (const variable of trainable.values()) variable.trainable = true;
  const optimizer = new AdamW({ weightDecay });
  let step = 0;
  let history: TrainResult['history'] = [];
  const previous = resume ? await readTrainerState(outputDir) : undefined;
  if (previous) {
    if (JSON.stringify(previous.fingerprint) !== JSON.stringify(fingerprint)) {
      throw new TrainingError(
        `${outputDir}: the checkpoint was made with ${JSON.stringify(previous.fingerprint)}, this run has ` +
          `${JSON.stringify(fingerprint)}; use another output folder or resume: false`,
        { path: outputDir, expected: previous.fingerprint, actual: fingerprint },
      );
    }
    optimizer.importState(await restoreCheckpoint(outputDir, previous, trainable));
    step = previous.step;
    history = previous.history;
  }
  const variables = [...trainable.values()];
  const nameOf = new Map([...trainable].map(([name, variable]) => [variable.name, name]));
  const hook = adapter ? createLoraHook(adapter, { training: true, seed }) : undefined;
  const started = Date.now();
  const startStep = step;
  let tokens = 0;
  let lastLoss = Number.NaN;

  const microBatch = (index: number) => {
    const epoch = Math.floor(index / batchesPerEpoch);
    const order = shuffledOrder(examples.length, seed + epoch);
    const offset = (index % batchesPerEpoch) * batchSize;
    return collate(
      order.slice(offset, offset + batchSize).map((i) => examples[i]),
      padId,
    );
  };

  const save = () =>
    optimizer
      .exportState()
      .then((state) =>
        writeCheckpoint(outputDir, { step, totalSteps, fingerprint, history }, trainable, state),
      );

  while (step < totalSteps) {
    if (signal?.aborted) break;
    // 2. Accumulate gradients over the step's micro-batches.
    const summed: Record<string, tf.Tensor> = {};
    let lossSum = 0;
    for (let micro = 0; micro < gradientAccumulationSteps; micro++) {
      const batch = microBatch(step * gradientAccumulationSteps + micro);
      tokens += batch.tokens;
      const { value, grads } = tf.variableGrads(
        () =>
          causalLmLoss(
            model.forward(batch.inputIds, { attentionMask: batch.attentionMask, linearHook: hook }),
            batch.labels,
          ),
        variables,
      );
      lossSum += (await value.data())[0];
      value.dispose();
      for (const [variableName, gradient] of Object.entries(grads)) {
        const name = nameOf.get(variableName)!;
        const scaled = tf.div(gradient, gradientAccumulationSteps);
        gradient.dispose();
        if (summed[name]) {
          const total = tf.add(summed[name], scaled);
          summed[name].dispose();
          scaled.dispose();
          summed[name] = total;
        } else summed[name] = scaled;
      }
    }
    // 3. Clip by global norm, update, log.
    const gradNorm = Math.sqrt(
      Object.values(summed).reduce(
        (total, gradient) => total + tf.tidy(() => tf.sum(tf.square(gradient)).dataSync()[0]),
        0,
      ),
    );
    const clip = maxGradNorm > 0 && gradNorm > maxGradNorm ? maxGradNorm / (gradNorm + 1e-6) : 1;
    const clipped = Object.fromEntries(
      Object.entries(summed).map(([name, gradient]) => [
        name,
        clip === 1 ? gradient : tf.mul(gradient, clip),
      ]),
    );
    const rate = learningRateAt(step, { learningRate, warmupSteps, totalSteps, decay: schedule });
    optimizer.apply(trainable, clipped, rate);
    for (const gradient of new Set([...Object.values(summed), ...Object.values(clipped)])) gradient.dispose();
    step++;
    lastLoss = lossSum / gradientAccumulationSteps;
    history.push({ step, loss: lastLoss, learningRate: rate });
    const elapsedSeconds = (Date.now() - started) / 1000;
    const perStep = elapsedSeconds / (step - startStep);
    onProgress?.({
      step,
      totalSteps,
      epoch: (step * gradientAccumulationSteps) / batchesPerEpoch,
      loss: lastLoss,
      learningRate: rate,
      gradNorm,
      tokensPerSecond: tokens / Math.max(elapsedSeconds, 1e-9),
      elapsedSeconds,
      etaSeconds: perStep * (totalSteps - step),
      resumed: previous !== undefined && step === startStep + 1,
    });
    if (saveEvery > 0 && step % saveEvery === 0 && step < totalSteps) await save();
  }

  // 4. Final checkpoint and the trained weights in the format users load.
  await save();
  const aborted = step < totalSteps;
  if (!aborted) {
    if (adapter) await saveLoraAdapter(adapter, outputDir, { model });
    else await model.save(outputDir);
  }
  for (const variable of variables) variable.trainable = false;
  optimizer.dispose();
  return { steps: step, finalLoss: lastLoss, history, aborted };
}
