import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DataGenFileError, DataGenOptionError, DataGenParseError } from './errors.js';
import type { ExamQuestion } from './exam-questions.js';
import { listFiles, readTextFile } from './read-text-file.js';

/** One evaluation item whose text training data must not contain. */
export interface BenchmarkItem {
  /** `lawbench:3-3#17` (task and 0-based index), `disc:<question id>`, `<file>#<line>` for JSONL. */
  id: string;
  /** Task or set the item belongs to (`3-3`, `disc-law-eval`, a JSONL file's name). */
  task: string;
  text: string;
}

/** Options of {@link loadLawBenchItems}. */
export interface LoadLawBenchItemsOptions {
  /** LawBench data folder (holding `zero_shot/`), or a folder of `<task>.json` files. */
  root: string;
  /** Task ids such as `1-1`, `3-3`; default every `<task>.json` found. */
  tasks?: string[];
  /**
   * Fields of each item that make its text. Default `['question']`: the instruction is one template per task
   * (shared by all 500 items), and the answers of 1-1/3-2 are statute text, which statute-derived training data
   * contains by design.
   */
  fields?: ('instruction' | 'question' | 'answer')[];
}

/** LawBench items (`[{ instruction, question, answer }]` per task file); a malformed file names its path and field. */
export async function loadLawBenchItems(options: LoadLawBenchItemsOptions): Promise<BenchmarkItem[]> {
  const { root, tasks, fields = ['question'] } = options;
  if (fields.length === 0)
    throw new DataGenOptionError({ field: 'fields', expected: 'at least one field', actual: fields });
  const zeroShot = join(root, 'zero_shot');
  const folder = await stat(zeroShot).then(
    (info) => (info.isDirectory() ? zeroShot : root),
    () => root,
  );
  const files = (await listFiles(folder, '.json')).filter((file) => {
    const task = basename(file, '.json');
    return /^\d+-\d+$/.test(task) && (!tasks || tasks.includes(task));
  });
  const missing = (tasks ?? []).filter((task) => !files.some((file) => basename(file, '.json') === task));
  if (missing.length > 0 || files.length === 0) {
    throw new DataGenFileError({
      path: folder,
      code: 'EMPTY',
      message: missing.length
        ? `no task file for ${missing.join(', ')}`
        : 'holds no LawBench <task>.json file',
    });
  }
  const items: BenchmarkItem[] = [];
  for (const file of files) {
    const task = basename(file, '.json');
    let rows: unknown;
    try {
      rows = JSON.parse(await readTextFile(file, 'a LawBench task file'));
    } catch (error) {
      if (error instanceof DataGenFileError) throw error;
      throw new DataGenParseError({ path: file, message: `malformed JSON: ${(error as Error).message}` });
    }
    if (!Array.isArray(rows))
      throw new DataGenParseError({
        path: file,
        message: 'expected a JSON array of { instruction, question, answer }',
      });
    rows.forEach((row: Record<string, unknown>, index) => {
      const parts = fields.map((field) => {
        if (typeof row?.[field] !== 'string')
          throw new DataGenParseError({
            path: file,
            line: index + 1,
            field,
            message: 'expected a string (line = item index + 1)',
          });
        return row[field] as string;
      });
      items.push({ id: `lawbench:${task}#${index}`, task, text: parts.join('\n') });
    });
  }
  return items;
}

/**
 * Exam questions (DISC-Law-Eval, JEC-QA) as benchmark items: the question and its lettered options (`A. …`), the
 * way prompts and exam records show them (LawBench's `A:…;B:…` normalises to the same n-grams).
 */
export function examBenchmarkItems(questions: ExamQuestion[], task = 'disc-law-eval'): BenchmarkItem[] {
  return questions.map((question) => ({
    id: `${task}:${question.id}`,
    task,
    text: [
      question.question,
      ...Object.entries(question.options).map(([letter, text]) => `${letter}. ${text}`),
    ].join('\n'),
  }));
}

/** Options of {@link readJsonlBenchmarkItems}. */
export interface ReadJsonlBenchmarkItemsOptions {
  path: string;
  /** Fields joined into the item's text; each line must have at least one as a string. Default question/input/instruction/text/content. */
  fields?: string[];
}

/** Any JSONL evaluation set as benchmark items (task = the file's name without extension). */
export async function readJsonlBenchmarkItems(
  options: ReadJsonlBenchmarkItemsOptions,
): Promise<BenchmarkItem[]> {
  const { path, fields = ['question', 'input', 'instruction', 'text', 'content'] } = options;
  const task = basename(path).replace(/\.jsonl?$/i, '');
  const text = await readTextFile(path, 'a JSONL evaluation set');
  const items: BenchmarkItem[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new DataGenParseError({
        path,
        line: index + 1,
        message: `malformed JSON: ${(error as Error).message}`,
      });
    }
    const parts = fields
      .map((field) => row?.[field])
      .filter((value): value is string => typeof value === 'string');
    if (parts.length === 0)
      throw new DataGenParseError({
        path,
        line: index + 1,
        field: fields.join('|'),
        message: 'no text field',
      });
    items.push({ id: `${task}#${index + 1}`, task, text: parts.join('\n') });
  });
  if (items.length === 0) throw new DataGenFileError({ path, code: 'EMPTY', message: 'no evaluation items' });
  return items;
}
