import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { splitCsv } from '@lawgpt/common';
import { EvalFileError, EvalOptionError } from './errors.js';
import { readText } from './internal/read-text.js';
import type { TextGenerator } from './runner/text-generator.js';
import { runPool, withRetries } from './runner/work-pool.js';

/** One DISC-Law-Eval multiple-choice question. */
export interface DiscQuestion {
  question: string;
  /** Correct letters, e.g. `'B'` or `'ABD'`. */
  answer: string;
  options: Record<'A' | 'B' | 'C' | 'D', string>;
  source: string;
  multi: boolean;
  /** File the question came from. */
  file: string;
}

/** Read one objective CSV (`input,output,A,B,C,D,source,multichoice`). */
export async function readDiscQuestions(path: string): Promise<DiscQuestion[]> {
  const { rows, unterminatedAt } = splitCsv(await readText(path, 'DISC-Law-Eval objective csv'));
  if (unterminatedAt !== undefined)
    throw new EvalFileError(
      `${path}:${unterminatedAt}: a quoted field is never closed`,
      path,
      unterminatedAt,
    );
  const header = rows[0]?.fields.join(',');
  if (header !== 'input,output,A,B,C,D,source,multichoice') {
    throw new EvalFileError(
      `${path}: header is "${header}", expected "input,output,A,B,C,D,source,multichoice"`,
      path,
      1,
    );
  }
  return rows.slice(1).map(({ fields, line }) => {
    if (fields.length !== 8)
      throw new EvalFileError(`${path}:${line}: the row has ${fields.length} fields, expected 8`, path, line);
    const [question, answer, a, b, c, d, source, multi] = fields;
    return {
      question: question.trim(),
      answer: answer.trim(),
      options: { A: a, B: b, C: c, D: d },
      source,
      multi: multi === 'True',
      file: basename(path),
    };
  });
}

/** The prompt of a question: task line, the question, the four options, `答案：`. */
export function discPrompt(question: DiscQuestion): string {
  const kind = question.multi ? '多项选择题（可能有多个正确选项）' : '单项选择题';
  const options = (['A', 'B', 'C', 'D'] as const)
    .map((letter) => `${letter}.${question.options[letter]}`)
    .join('\n');
  return `以下是中国法律相关的${kind}，请直接给出正确答案的选项字母。\n${question.question}\n${options}\n答案：`;
}

/** Letters A–D the model chose: all in the first line of the answer (multi), or the first one there (single). */
export function extractChoice(response: string, multi: boolean): string {
  const firstLine = response.trim().split('\n')[0] ?? '';
  const found = firstLine.toUpperCase().match(/[A-D]/g) ?? [];
  return multi ? [...new Set(found)].sort().join('') : (found[0] ?? '');
}

/** Accuracy of a group of questions. */
export interface DiscAccuracy {
  correct: number;
  n: number;
  accuracy: number;
}

/** Results of {@link runDiscLawEval}. */
export interface DiscResults {
  bySource: Record<string, DiscAccuracy>;
  single: DiscAccuracy;
  multi: DiscAccuracy;
  overall: DiscAccuracy;
  /** Each question's response and verdict. */
  items: Array<{
    file: string;
    source: string;
    multi: boolean;
    answer: string;
    chosen: string;
    response: string;
  }>;
}

/** Options of {@link runDiscLawEval}. */
export interface RunDiscOptions {
  generator: TextGenerator;
  /** Folder holding `objective/*.csv` (DISC-Law-Eval). */
  dataDir: string;
  /** Only the first N questions of each file. */
  limit?: number;
  concurrency?: number;
  retries?: number;
  maxNewTokens?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number }) => void;
}

/** Ask every DISC-Law-Eval objective question and score exact-set accuracy per source, single and multi. */
export async function runDiscLawEval(options: RunDiscOptions): Promise<DiscResults> {
  const {
    generator,
    dataDir,
    limit,
    concurrency = 4,
    retries = 2,
    maxNewTokens = 32,
    signal,
    onProgress,
  } = options;
  const folder = join(dataDir, 'objective');
  let files: string[];
  try {
    files = (await readdir(folder)).filter((name) => name.endsWith('.csv')).sort();
  } catch {
    throw new EvalOptionError(
      `${folder}: not a DISC-Law-Eval objective folder`,
      'dataDir',
      'a folder with objective/*.csv',
      dataDir,
    );
  }
  const questions: DiscQuestion[] = [];
  for (const file of files) questions.push(...(await readDiscQuestions(join(folder, file))).slice(0, limit));
  if (questions.length === 0) {
    throw new EvalOptionError(
      `${folder}: no questions (${files.length} csv files${limit === 0 ? ', --limit 0' : ''})`,
      'dataDir',
      'a folder with objective/*.csv holding questions',
      dataDir,
    );
  }
  const items: DiscResults['items'] = new Array(questions.length);
  let done = 0;
  await runPool(
    questions.map((_, index) => index),
    concurrency,
    async (index) => {
      const question = questions[index];
      const response = await withRetries(
        () => generator.generate(discPrompt(question), { maxNewTokens, signal }),
        {
          retries,
          baseDelayMs: 1000,
          signal,
        },
      );
      const { file, source, multi, answer } = question;
      items[index] = { file, source, multi, answer, chosen: extractChoice(response, multi), response };
      onProgress?.({ done: ++done, total: questions.length });
    },
    signal,
  );
  return scoreDisc(items);
}

/** Accuracy per source, single, multi and overall from answered items. */
export function scoreDisc(items: DiscResults['items']): DiscResults {
  const tally = (list: DiscResults['items']): DiscAccuracy => {
    const correct = list.filter((item) => item.chosen === [...item.answer].sort().join('')).length;
    return { correct, n: list.length, accuracy: list.length ? correct / list.length : 0 };
  };
  const sources = [...new Set(items.map((item) => item.source))];
  return {
    bySource: Object.fromEntries(
      sources.map((source) => [source, tally(items.filter((item) => item.source === source))]),
    ),
    single: tally(items.filter((item) => !item.multi)),
    multi: tally(items.filter((item) => item.multi)),
    overall: tally(items),
    items,
  };
}

/** Markdown table of DISC-Law-Eval accuracy: one row per source, then single, multi and overall (×100). */
export function renderDiscMarkdown(results: DiscResults, model = 'ours'): string {
  const row = (label: string, accuracy: DiscAccuracy) =>
    `| ${label} | ${(accuracy.accuracy * 100).toFixed(2)} | ${accuracy.correct}/${accuracy.n} |`;
  const lines = [`| source | ${model} accuracy | correct |`, '|---|---|---|'];
  for (const [source, accuracy] of Object.entries(results.bySource)) lines.push(row(source, accuracy));
  lines.push(
    row('single answer', results.single),
    row('multiple answers', results.multi),
    row('overall', results.overall),
  );
  return `${lines.join('\n')}\n`;
}
