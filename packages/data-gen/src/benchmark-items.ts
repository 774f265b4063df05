import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DataGenFileError, DataGenOptionError, DataGenParseError } from './errors.js';
import { type ExamQuestion, readExamQuestions } from './exam-questions.js';
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
 * way prompts and exam records show them (LawBench's `A:…;B:…` normalises to the same n-grams). Each question
 * file is a task: `<set>/<file name without extension>`, e.g. `disc-law-eval/mcq_sing_nje`.
 */
export function examBenchmarkItems(questions: ExamQuestion[], set = 'disc-law-eval'): BenchmarkItem[] {
  return questions.map((question) => ({
    id: `${set}:${question.id}`,
    task: `${set}/${basename(question.path).replace(/\.[^.]*$/, '')}`,
    text: [
      question.question,
      ...Object.entries(question.options).map(([letter, text]) => `${letter}. ${text}`),
    ].join('\n'),
  }));
}

/** Options of {@link readJsonlBenchmarkItems}. */
export interface ReadJsonlBenchmarkItemsOptions {
  /** JSONL file, or a `.json` file holding an array of objects (DISC-Law-Eval's subjective set). */
  path: string;
  /** Task of the items. Default the file's name without extension. */
  task?: string;
  /** Fields joined into the item's text; each line must have at least one as a string. Default question/input/instruction/text/content. */
  fields?: string[];
}

/** A JSON array's rows (line = index + 1), or a JSONL file's non-empty lines (line = line number). */
function evaluationRows(text: string, path: string): { row: Record<string, unknown>; line: number }[] {
  const parse = (json: string, line?: number) => {
    try {
      return JSON.parse(json) as unknown;
    } catch (error) {
      throw new DataGenParseError({ path, line, message: `malformed JSON: ${(error as Error).message}` });
    }
  };
  if (/\.json$/i.test(path)) {
    const rows = parse(text);
    if (!Array.isArray(rows))
      throw new DataGenParseError({ path, message: 'expected a JSON array of objects (or a .jsonl file)' });
    return rows.map((row, index) => ({ row: row as Record<string, unknown>, line: index + 1 }));
  }
  return text
    .split('\n')
    .map((line, index) => ({ json: line, line: index + 1 }))
    .filter(({ json }) => json.trim())
    .map(({ json, line }) => ({ row: parse(json, line) as Record<string, unknown>, line }));
}

/**
 * Any JSONL evaluation set (or a JSON array of objects) as benchmark items, `<task>#<line>` ids (line = the item's
 * index + 1 in a JSON array).
 */
export async function readJsonlBenchmarkItems(
  options: ReadJsonlBenchmarkItemsOptions,
): Promise<BenchmarkItem[]> {
  const { path, fields = ['question', 'input', 'instruction', 'text', 'content'] } = options;
  const task = options.task ?? basename(path).replace(/\.jsonl?$/i, '');
  const text = await readTextFile(path, 'a JSONL evaluation set');
  const items: BenchmarkItem[] = [];
  for (const { row, line } of evaluationRows(text, path)) {
    const parts = fields
      .map((field) => row?.[field])
      .filter((value): value is string => typeof value === 'string');
    if (parts.length === 0)
      throw new DataGenParseError({ path, line, field: fields.join('|'), message: 'no text field' });
    items.push({ id: `${task}#${line}`, task, text: parts.join('\n') });
  }
  if (items.length === 0) throw new DataGenFileError({ path, code: 'EMPTY', message: 'no evaluation items' });
  return items;
}

/** Options of {@link loadDiscLawEvalItems}. */
export interface LoadDiscLawEvalItemsOptions {
  /** DISC-Law-Eval folder: `objective/*.csv` (multiple choice) and `subjective/*.json` (`[{ input, output, id }]`). */
  root: string;
}

/**
 * DISC-Law-Eval's scored sets as benchmark items, one task per file (`disc-law-eval/mcq_sing_nje`, …,
 * `disc-law-eval/qa_short_answer`); the few-shot examples are not scored and not included.
 */
export async function loadDiscLawEvalItems(options: LoadDiscLawEvalItemsOptions): Promise<BenchmarkItem[]> {
  const { root } = options;
  const questions = await readExamQuestions({ paths: [join(root, 'objective')], format: 'disc' });
  const items = examBenchmarkItems(questions, 'disc-law-eval');
  const subjective = await stat(join(root, 'subjective')).then(
    () => listFiles(join(root, 'subjective'), '.json'),
    () => [],
  );
  for (const path of subjective) {
    const task = `disc-law-eval/${basename(path, '.json')}`;
    items.push(...(await readJsonlBenchmarkItems({ path, task, fields: ['input'] })));
  }
  return items;
}
