import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataGenParseError } from './errors.js';
import { readTextFile } from './read-text-file.js';

/** Name of the provenance file a training run writes into its output folder (and `lawgpt merge` carries on). */
export const TRAINING_DATA_FILE = 'training_data.json';

/** One data file a model was trained on. */
export interface TrainingDataFile {
  /** Absolute path at training time. */
  path: string;
  /** SHA-256 (hex) of the file's bytes at training time. */
  sha256: string;
  /** Records (instruction records, or pretraining texts) the file held. */
  records: number;
  /** Its share of the draws in a weighted mix (`--data FILE:WEIGHT`); absent when files were concatenated. */
  weight?: number;
  /** The stage folder (`stage-1-mixed`) of a `--stages` run; absent for a single-stage run. */
  stage?: string;
  /** The run that trained on it, when not this folder's own (an `--init-adapter`, or the base model's). */
  from?: string;
}

/** What a model was trained on: `training_data.json`. */
export interface TrainingData {
  format: 'lawgpt-training-data';
  version: 1;
  /** `sft` or `pretrain`. */
  command: string;
  /** ISO time the run finished. */
  createdAt: string;
  /** Every file, earlier runs' first (inherited from the initial adapter or base model), then this run's. */
  files: TrainingDataFile[];
}

function fail(path: string, field: string, message: string): never {
  throw new DataGenParseError({ path, field, message });
}

/** Check a parsed `training_data.json`; errors name the file (`path`, for messages) and the field (`files[2].sha256`). */
export function parseTrainingData(value: unknown, options: { path?: string } = {}): TrainingData {
  const { path = TRAINING_DATA_FILE } = options;
  const data = value as Partial<TrainingData> | null;
  if (data?.format !== 'lawgpt-training-data' || data.version !== 1)
    fail(path, 'format', 'expected {"format": "lawgpt-training-data", "version": 1, …}');
  if (!Array.isArray(data.files)) fail(path, 'files', 'expected an array');
  data.files.forEach((file, index) => {
    const at = `files[${index}]`;
    if (typeof file?.path !== 'string' || file.path === '') fail(path, `${at}.path`, 'expected a path');
    if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256))
      fail(path, `${at}.sha256`, 'expected 64 hex digits');
    if (!(Number.isInteger(file.records) && file.records >= 0))
      fail(path, `${at}.records`, 'expected a count');
    if (file.weight !== undefined && !(typeof file.weight === 'number' && file.weight > 0))
      fail(path, `${at}.weight`, 'expected a positive number');
  });
  return data as TrainingData;
}

/**
 * Read `training_data.json` from a file path or a model/adapter folder; undefined when a folder has none.
 * Malformed content is a {@link DataGenParseError} naming the field.
 */
export async function readTrainingData(pathOrFolder: string): Promise<TrainingData | undefined> {
  const isFolder = await stat(pathOrFolder).then(
    (info) => info.isDirectory(),
    () => false,
  );
  const path = isFolder ? join(pathOrFolder, TRAINING_DATA_FILE) : pathOrFolder;
  if (isFolder && !(await stat(path).catch(() => undefined))) return undefined;
  const text = await readTextFile(path, 'training data provenance (training_data.json)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataGenParseError({ path, message: `malformed JSON: ${(error as Error).message}` });
  }
  return parseTrainingData(value, { path });
}

/**
 * Files of earlier runs followed by this run's, each (path, sha256, stage) once: a stage's own files, after those
 * of the adapter or model it started from.
 */
export function mergeTrainingFiles(...lists: TrainingDataFile[][]): TrainingDataFile[] {
  const seen = new Set<string>();
  return lists.flat().filter((file) => {
    const key = `${file.path}\n${file.sha256}\n${file.stage ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
