import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { BenchmarkItem } from './benchmark-items.js';
import { type ContaminationIndex, createContaminationIndex } from './contamination-index.js';
import { decontaminate, type TaskOverlap } from './decontaminate.js';
import { DataGenAbortError, DataGenOptionError, DataGenParseError } from './errors.js';
import type { InstructionRecord } from './instruction-record.js';
import { parseJsonl } from './jsonl.js';
import { readTextFile } from './read-text-file.js';
import { readTrainingData, type TrainingData, type TrainingDataFile } from './training-data.js';

/** What became of one file listed in `training_data.json`. */
export interface TrainingFileCheck extends TrainingDataFile {
  /** checked: read and searched; changed: its SHA-256 differs now (searched as it is now); missing: not found. */
  status: 'checked' | 'changed' | 'missing';
  flaggedRecords: number;
}

/** A task's overlaps across the training files; each example names its file. */
export interface TrainingTaskOverlap extends Omit<TaskOverlap, 'examples'> {
  examples: (TaskOverlap['examples'][number] & { file: string })[];
}

/** What {@link checkTrainingOverlap} found. */
export interface TrainingOverlapReport {
  files: TrainingFileCheck[];
  /** Training records that overlap some benchmark item, over all files. */
  flaggedRecords: number;
  /** Per benchmark task (every task of the items); `overlappedItems` counts distinct items over all files. */
  tasks: Record<string, TrainingTaskOverlap>;
  /** Tasks with at least one overlapped item, most overlapped first. */
  overlappedTasks: string[];
}

/** Options of {@link checkTrainingOverlap}. */
export interface CheckTrainingOverlapOptions {
  /** `training_data.json` (its path, or the folder holding it) or its parsed content. */
  trainingData: string | TrainingData;
  /** The benchmark items scored, or an index built from them (with statutes ignored, say). */
  items?: BenchmarkItem[];
  index?: ContaminationIndex;
  signal?: AbortSignal;
  /** After each file: its check. */
  onFile?: (check: TrainingFileCheck) => void;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const field = (row: Record<string, unknown>, name: string) =>
  typeof row[name] === 'string' ? (row[name] as string) : '';

/**
 * A training file's records as the detectors search them: Alpaca JSON/JSONL as is, pretraining JSONL/JSON
 * (`content` or `text`, or plain strings) in `output`, plain text and Markdown paragraph by paragraph.
 */
export async function readTrainingRecords(path: string): Promise<InstructionRecord[]> {
  const text = await readTextFile(path, 'a training data file');
  const record = (row: unknown): InstructionRecord => {
    const value = (typeof row === 'string' ? { content: row } : (row ?? {})) as Record<string, unknown>;
    const body = field(value, 'content') || field(value, 'text');
    return {
      instruction: field(value, 'instruction'),
      input: field(value, 'input'),
      output: field(value, 'output') || body,
      template: 'training-data',
      provenance: { kind: 'seed' },
    };
  };
  if (/\.jsonl$/i.test(path)) return parseJsonl(text, { path }).map(record);
  if (/\.json$/i.test(path) || text.trimStart().startsWith('[')) {
    let rows: unknown;
    try {
      rows = JSON.parse(text);
    } catch (error) {
      throw new DataGenParseError({ path, message: `malformed JSON: ${(error as Error).message}` });
    }
    if (!Array.isArray(rows)) throw new DataGenParseError({ path, message: 'expected a JSON array' });
    return rows.map(record);
  }
  return text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim())
    .map(record);
}

/**
 * Search the files a model was trained on (its `training_data.json`) for the benchmark items it is scored on,
 * with {@link decontaminate}'s detectors (13-gram coverage, MinHash). Files whose SHA-256 changed since training are
 * searched as they are now and marked `changed`; missing files are marked `missing`.
 */
export async function checkTrainingOverlap(
  options: CheckTrainingOverlapOptions,
): Promise<TrainingOverlapReport> {
  const { items, signal, onFile } = options;
  if (!options.index && !items)
    throw new DataGenOptionError({
      field: 'items',
      expected: 'benchmark items or an index',
      actual: undefined,
    });
  const trainingData =
    typeof options.trainingData === 'string'
      ? await readTrainingData(options.trainingData)
      : options.trainingData;
  if (!trainingData)
    throw new DataGenOptionError({
      field: 'trainingData',
      expected: 'a training_data.json file or a folder holding one',
      actual: options.trainingData,
    });
  const index = options.index ?? createContaminationIndex({ items: items ?? [] });
  const tasks: Record<string, TrainingTaskOverlap> = {};
  const overlapped = new Map<string, Set<string>>();
  const files: TrainingFileCheck[] = [];
  let flaggedRecords = 0;
  for (const file of trainingData.files) {
    if (signal?.aborted) throw new DataGenAbortError('training overlap check aborted');
    const found = await stat(file.path).catch(() => undefined);
    if (!found?.isFile()) {
      files.push({ ...file, status: 'missing', flaggedRecords: 0 });
      onFile?.(files[files.length - 1]);
      continue;
    }
    const status = (await sha256(file.path)) === file.sha256 ? 'checked' : 'changed';
    const report = decontaminate({ records: await readTrainingRecords(file.path), index, signal });
    for (const [name, task] of Object.entries(report.tasks)) {
      tasks[name] ??= {
        items: task.items,
        overlappedItems: 0,
        flaggedRecords: 0,
        byDetector: { ngram: 0, minhash: 0 },
        examples: [],
      };
      const total = tasks[name];
      total.flaggedRecords += task.flaggedRecords;
      total.byDetector.ngram += task.byDetector.ngram;
      total.byDetector.minhash += task.byDetector.minhash;
      for (const example of task.examples)
        if (total.examples.length < 3) total.examples.push({ ...example, file: file.path });
    }
    for (const flag of report.flagged)
      for (const match of flag.matches) {
        const ids = overlapped.get(match.task) ?? new Set<string>();
        overlapped.set(match.task, ids.add(match.itemId));
      }
    flaggedRecords += report.flagged.length;
    files.push({ ...file, status, flaggedRecords: report.flagged.length });
    onFile?.(files[files.length - 1]);
  }
  for (const [task, ids] of overlapped) tasks[task].overlappedItems = ids.size;
  const overlappedTasks = [...overlapped.keys()].sort(
    (a, b) => tasks[b].overlappedItems - tasks[a].overlappedItems || a.localeCompare(b),
  );
  return { files, flaggedRecords, tasks, overlappedTasks };
}
