import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lawgpt/common';
import { readSafetensors, writeSafetensors } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs-core';
import type { AdamWState } from './adamw.js';
import type { MixtureState } from './dataset-mixture.js';
import { TrainingError } from './errors.js';
import type { TrainingSettings } from './training-settings.js';

/** `trainer_state.json`: where a run stands, written last so a checkpoint is complete once it is named. */
export interface TrainerState {
  /** Optimizer steps done. */
  step: number;
  totalSteps: number;
  /** Folder (under the output dir) holding the checkpoint of `step`. */
  checkpoint: string;
  /** Settings that change the result (learning rate, schedule, batch, LoRA shape, data hash, seed, …). */
  settings: TrainingSettings;
  /** Loss per logged step. */
  history: Array<{ step: number; loss: number; learningRate: number }>;
  /** Set once the final adapter (or model) is written: the run is complete. */
  finished?: boolean;
  /** Where the dataset mixture stands after `step` (runs on weighted `datasets` only). */
  mixing?: MixtureState;
  /** Settings of checkpoints from before `settings` existed. */
  fingerprint?: Record<string, unknown>;
}

const STATE_FILE = 'trainer_state.json';

/** The state of an earlier run in `outputDir`, or undefined for a fresh start (no state file). */
export async function readTrainerState(outputDir: string): Promise<TrainerState | undefined> {
  const path = join(outputDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TrainingError(`${path}: cannot read (${(error as Error).message})`, { path });
  }
  let state: TrainerState;
  try {
    state = JSON.parse(text) as TrainerState;
  } catch (error) {
    throw new TrainingError(
      `${path}: not valid JSON (${(error as Error).message}); delete it to start over`,
      { path },
    );
  }
  const field = !Number.isInteger(state?.step)
    ? 'step'
    : typeof state.checkpoint !== 'string'
      ? 'checkpoint'
      : !Array.isArray(state.history)
        ? 'history'
        : undefined;
  if (field) {
    throw new TrainingError(`${path}: field "${field}" is missing or malformed; delete it to start over`, {
      path,
      field,
    });
  }
  return state;
}

/**
 * Write a checkpoint: trainable tensors and optimizer moments in `checkpoint-<step>/`, then the state file
 * naming it (atomically), then remove older checkpoint folders. A crash at any point leaves the last
 * complete checkpoint in force.
 */
export async function writeCheckpoint(
  outputDir: string,
  state: Omit<TrainerState, 'checkpoint'>,
  trainable: Map<string, tf.Variable>,
  optimizer: AdamWState,
): Promise<void> {
  const folder = `checkpoint-${state.step}`;
  const dir = join(outputDir, folder);
  const tensors = [...trainable].map(([name, variable]) => ({
    name,
    shape: variable.shape,
    data: async () => (await variable.data()) as Float32Array,
  }));
  await writeSafetensors(join(dir, 'trainable.safetensors'), tensors);
  const moments = Object.entries(optimizer.moments).flatMap(([name, { m, v, shape }]) => [
    { name: `${name}::m`, shape, data: m },
    { name: `${name}::v`, shape, data: v },
  ]);
  await writeSafetensors(join(dir, 'optimizer.safetensors'), moments, {
    metadata: { format: 'lawgpt-adamw', step: String(optimizer.step) },
  });
  await writeTrainerState(outputDir, { ...state, checkpoint: folder });
  await removeLeftovers(outputDir, folder);
}

/** Write `trainer_state.json` atomically (temporary file, then rename). */
export async function writeTrainerState(outputDir: string, state: TrainerState): Promise<void> {
  await writeFileAtomic({ path: join(outputDir, STATE_FILE), data: `${JSON.stringify(state, null, 2)}\n` });
}

/**
 * Remove what interrupted saves leave behind: checkpoint folders other than `keep` and temporary files
 * (`*.tmp-<pid>…`). Only safe while the output lock is held.
 */
export async function removeLeftovers(outputDir: string, keep: string | undefined): Promise<void> {
  for (const entry of await readdir(outputDir)) {
    if ((entry.startsWith('checkpoint-') && entry !== keep) || /\.tmp-\d+/.test(entry))
      await rm(join(outputDir, entry), { recursive: true, force: true });
  }
}

/** Restore the trainable tensors (in place) from the checkpoint `state` names. */
export async function restoreTrainable(
  outputDir: string,
  state: TrainerState,
  trainable: Map<string, tf.Variable>,
): Promise<void> {
  const dir = join(outputDir, state.checkpoint);
  const { tensors } = await readSafetensors(join(dir, 'trainable.safetensors'));
  for (const [name, variable] of trainable) {
    const saved = tensors.get(name);
    if (!saved || saved.shape.join() !== variable.shape.join()) {
      throw new TrainingError(
        `${dir}: checkpoint tensor ${name} is ${saved ? `[${saved.shape}]` : 'missing'}; expected [${variable.shape}]`,
        { path: dir, tensor: name, expected: variable.shape, actual: saved?.shape },
      );
    }
    const value = tf.tensor(saved.data, saved.shape);
    variable.assign(value);
    value.dispose();
  }
}

/** Restore trainable tensors (in place) and return the optimizer state of the checkpoint `state` names. */
export async function restoreCheckpoint(
  outputDir: string,
  state: TrainerState,
  trainable: Map<string, tf.Variable>,
): Promise<AdamWState> {
  await restoreTrainable(outputDir, state, trainable);
  const optimizer = await readSafetensors(join(outputDir, state.checkpoint, 'optimizer.safetensors'));
  const moments: AdamWState['moments'] = {};
  for (const [key, tensor] of optimizer.tensors) {
    const [name, which] = key.split('::');
    moments[name] ??= { m: new Float32Array(0), v: new Float32Array(0), shape: tensor.shape };
    moments[name][which as 'm' | 'v'] = tensor.data;
  }
  return { step: Number(optimizer.metadata.step ?? state.step), moments };
}
