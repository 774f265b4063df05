import { writeFileAtomic } from '@lawgpt/common';
import { EvalFileError } from './errors.js';
import { readText } from './internal/read-text.js';

/** One item of a LawBench prediction file, as upstream writes it. */
export interface LawBenchPrediction {
  /** The prompt: a string, or a role list `[{ role: 'HUMAN', prompt }]`. */
  origin_prompt: string | Array<{ role: string; prompt: string }>;
  prediction: string;
  /** The reference answer. */
  refr: string;
}

/** One item of a LawBench data file (`zero_shot/<task>.json`). */
export interface LawBenchItem {
  instruction: string;
  question: string;
  answer: string;
}

/** The prompt text of a prediction, whichever form `origin_prompt` takes. */
export function promptText(item: LawBenchPrediction): string {
  const prompt = item.origin_prompt;
  if (typeof prompt === 'string') return prompt;
  return prompt[0]?.prompt ?? '';
}

/** Read a prediction file (`{"0": {...}, "1": {...}}`) into an array ordered by key. */
export async function readPredictionFile(path: string): Promise<LawBenchPrediction[]> {
  const raw = await readText(path, 'LawBench prediction file (<task>.json)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new EvalFileError(`${path}: not valid JSON (${(error as Error).message})`, path);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EvalFileError(`${path}: expected an object keyed "0".."N-1", got ${kind(parsed)}`, path);
  }
  const entries = Object.entries(parsed as Record<string, unknown>).sort(
    (a, b) => Number(a[0]) - Number(b[0]),
  );
  return entries.map(([key, value]) => checkPrediction(path, key, value));
}

function checkPrediction(path: string, key: string, value: unknown): LawBenchPrediction {
  const item = value as Partial<LawBenchPrediction> | null;
  if (!item || typeof item !== 'object') {
    throw new EvalFileError(`${path}: item "${key}" is ${kind(value)}, expected an object`, path, key);
  }
  for (const field of ['prediction', 'refr'] as const) {
    if (typeof item[field] !== 'string') {
      throw new EvalFileError(
        `${path}: item "${key}" field "${field}" is ${kind(item[field])}, expected a string`,
        path,
        key,
        field,
      );
    }
  }
  const prompt = item.origin_prompt;
  if (typeof prompt !== 'string' && !Array.isArray(prompt)) {
    throw new EvalFileError(
      `${path}: item "${key}" field "origin_prompt" is ${kind(prompt)}, expected a string or a role list`,
      path,
      key,
      'origin_prompt',
    );
  }
  return item as LawBenchPrediction;
}

/** Read a LawBench data file (JSON list of `{instruction, question, answer}`). */
export async function readTaskData(path: string): Promise<LawBenchItem[]> {
  const raw = await readText(path, 'LawBench data file (zero_shot/<task>.json)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new EvalFileError(`${path}: not valid JSON (${(error as Error).message})`, path);
  }
  if (!Array.isArray(parsed))
    throw new EvalFileError(`${path}: expected a JSON list, got ${kind(parsed)}`, path);
  if (parsed.length === 0) throw new EvalFileError(`${path}: the list of items is empty`, path);
  parsed.forEach((item, index) => {
    for (const field of ['instruction', 'question', 'answer']) {
      if (typeof (item as Record<string, unknown>)?.[field] !== 'string') {
        throw new EvalFileError(
          `${path}: item ${index} field "${field}" is not a string`,
          path,
          index,
          field,
        );
      }
    }
  });
  return parsed as LawBenchItem[];
}

/** Write predictions in LawBench's format (atomic: temp file + rename). */
export async function writePredictionFile(path: string, predictions: LawBenchPrediction[]): Promise<void> {
  const object: Record<string, LawBenchPrediction> = {};
  predictions.forEach((item, index) => {
    object[String(index)] = item;
  });
  await writeFileAtomic({ path, data: `${JSON.stringify(object, null, 2)}\n` });
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}
