// `training_data.json`: what a `lawgpt pretrain|sft` output was trained on, so `lawgpt eval` can check it against
// the benchmark it scores (and `lawgpt merge` carries it into the merged model).
import { join, resolve } from 'node:path';
import {
  mergeTrainingFiles,
  readTrainingData,
  TRAINING_DATA_FILE,
  type TrainingData,
  type TrainingDataFile,
  writeFileAtomic,
} from '@lawgpt/data-gen';
import type { TrainingStage } from './training-plan.js';
import { dataFilesDigest } from './training-run.js';

/** Options of {@link writeTrainingData}. */
export interface WriteTrainingDataOptions {
  /** The folder the stage wrote (its adapter, or the model with --full). */
  outputDir: string;
  /** `sft` or `pretrain`. */
  command: string;
  stage: TrainingStage;
  /** True for a `--stages` run: each file names its stage folder. */
  staged: boolean;
  /** Folders whose own `training_data.json` this output inherits: the base model, the initial adapter. */
  startedFrom: (string | undefined)[];
  /** Records in a data file (instruction records, or pretraining texts). */
  countRecords: (path: string) => Promise<number>;
}

/** The files inherited from a folder's `training_data.json`, each naming that folder (unless it names another). */
async function inherited(folder: string | undefined): Promise<TrainingDataFile[]> {
  if (!folder) return [];
  const data = await readTrainingData(folder);
  return (data?.files ?? []).map((file) => ({ ...file, from: file.from ?? resolve(folder) }));
}

/**
 * Write `training_data.json` into the output folder (atomically): the stage's data files (absolute path, SHA-256,
 * record count, weight, stage) after those the base model and the initial adapter were trained on.
 */
export async function writeTrainingData(options: WriteTrainingDataOptions): Promise<TrainingData> {
  const { outputDir, command, stage, staged, startedFrom, countRecords } = options;
  const own: TrainingDataFile[] = [];
  for (const spec of stage.data) {
    const path = resolve(spec.path);
    own.push({
      path,
      sha256: await dataFilesDigest([path]),
      records: await countRecords(path),
      ...(spec.weight !== undefined && { weight: spec.weight }),
      ...(staged && { stage: stage.folder }),
    });
  }
  const earlier = await Promise.all(startedFrom.map(inherited));
  const data: TrainingData = {
    format: 'lawgpt-training-data',
    version: 1,
    command,
    createdAt: new Date().toISOString(),
    files: mergeTrainingFiles(...earlier, own),
  };
  await saveTrainingData(outputDir, data);
  return data;
}

/** Write a `training_data.json` into a folder, atomically. */
export function saveTrainingData(folder: string, data: TrainingData): Promise<void> {
  return writeFileAtomic(join(folder, TRAINING_DATA_FILE), `${JSON.stringify(data, null, 2)}\n`);
}

/**
 * `lawgpt merge`: the first folder's `training_data.json` (the adapter's lists the base model's files too) into
 * the merged model folder, so eval can check what the merged model was trained on. Nothing when none has one.
 */
export async function carryTrainingData(folders: (string | undefined)[], outputDir: string): Promise<void> {
  for (const folder of folders) {
    const data = folder ? await readTrainingData(folder) : undefined;
    if (data) return saveTrainingData(outputDir, data);
  }
}
