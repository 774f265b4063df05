import { stat } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { splitCsv } from '@lawgpt/common';
import { DataGenFileError, DataGenOptionError, DataGenParseError } from './errors.js';
import { listFiles, readTextFile } from './read-text-file.js';

/** A multiple-choice exam question (judicial exam and the like), single or multiple answer. */
export interface ExamQuestion {
  /** Stable id: `<file stem>#<row>` for DISC-Law-Eval CSV rows (1-based data row), the dataset's own id for JEC-QA. */
  id: string;
  question: string;
  /** Option letter → text, in letter order (`A`…). */
  options: Record<string, string>;
  /** Correct letters, sorted, e.g. `['B']` or `['A', 'C', 'D']`. */
  answer: string[];
  /** True for a multiple-answer question (DISC's `multichoice`, or more than one letter in JEC-QA). */
  multipleChoice: boolean;
  /** Where the question is from, e.g. `2018 national judical examination`, when the file says. */
  source?: string;
  /** File the question was read from, and the line its record starts on. */
  path: string;
  line: number;
}

/** Layouts {@link readExamQuestions} reads. */
export type ExamQuestionFormat = 'disc' | 'jec-qa';

const DISC_HEADER = ['input', 'output', 'A', 'B', 'C', 'D', 'source', 'multichoice'];

function checkAnswer(
  answer: string[],
  options: Record<string, string>,
  multipleChoice: boolean,
  where: { path: string; line: number; field: string },
): string[] {
  const letters = [...new Set(answer.map((letter) => letter.trim().toUpperCase()))].sort();
  const bad = letters.filter((letter) => !(letter in options));
  const message =
    letters.length === 0
      ? 'no answer letter'
      : bad.length > 0
        ? `answer ${bad.join('')} is not one of the options ${Object.keys(options).join('')}`
        : !multipleChoice && letters.length > 1
          ? `single-choice question with ${letters.length} answers (${letters.join('')})`
          : undefined;
  if (message) throw new DataGenParseError({ ...where, message });
  return letters;
}

/** Read DISC-Law-Eval objective CSV text (`input,output,A,B,C,D,source,multichoice`); errors name file, line and field. */
export function parseDiscQuestions(text: string, options: { path?: string } = {}): ExamQuestion[] {
  const path = options.path ?? '<string>';
  const { rows, unterminatedAt } = splitCsv(text.replace(/^\ufeff/, ''));
  if (unterminatedAt !== undefined)
    throw new DataGenParseError({ path, line: unterminatedAt, message: 'quoted field never closed' });
  const header = rows[0]?.fields.map((field) => field.trim());
  if (!header || header.join(',') !== DISC_HEADER.join(',')) {
    throw new DataGenParseError({
      path,
      line: 1,
      message: `header is "${header?.join(',') ?? ''}", expected "${DISC_HEADER.join(',')}"`,
    });
  }
  const stem = basename(path).replace(/\.csv$/i, '');
  return rows.slice(1).map(({ fields, line }, index) => {
    if (fields.length !== DISC_HEADER.length) {
      throw new DataGenParseError({
        path,
        line,
        message: `${fields.length} fields, expected ${DISC_HEADER.length} (${DISC_HEADER.join(',')})`,
      });
    }
    const [question, answer, a, b, c, d, source, multichoice] = fields.map((field) => field.trim());
    if (!question) throw new DataGenParseError({ path, line, field: 'input', message: 'empty question' });
    if (multichoice !== 'True' && multichoice !== 'False') {
      throw new DataGenParseError({
        path,
        line,
        field: 'multichoice',
        message: `expected True or False, got "${multichoice}"`,
      });
    }
    const choices: Record<string, string> = { A: a, B: b, C: c, D: d };
    for (const [letter, value] of Object.entries(choices))
      if (!value) throw new DataGenParseError({ path, line, field: letter, message: 'empty option' });
    const multipleChoice = multichoice === 'True';
    const letters = checkAnswer([...answer.replace(/[^A-Za-z]/g, '')], choices, multipleChoice, {
      path,
      line,
      field: 'output',
    });
    const record: ExamQuestion = {
      id: `${stem}#${index + 1}`,
      question,
      options: choices,
      answer: letters,
      multipleChoice,
      path,
      line,
    };
    if (source) record.source = source;
    return record;
  });
}

interface JecQaRow {
  id?: unknown;
  statement?: unknown;
  option_list?: unknown;
  answer?: unknown;
  type?: unknown;
}

function jecQaQuestion(row: JecQaRow, path: string, line: number): ExamQuestion {
  const fail = (field: string, message: string) => new DataGenParseError({ path, line, field, message });
  if (typeof row !== 'object' || row === null) throw fail('(record)', 'expected a JSON object');
  if (typeof row.statement !== 'string' || !row.statement.trim()) throw fail('statement', 'missing or empty');
  if (typeof row.option_list !== 'object' || row.option_list === null || Array.isArray(row.option_list))
    throw fail('option_list', 'expected an object of letter → option text');
  const options: Record<string, string> = {};
  for (const [letter, value] of Object.entries(row.option_list as Record<string, unknown>).sort()) {
    if (!/^[A-Z]$/.test(letter) || typeof value !== 'string' || !value.trim())
      throw fail(`option_list.${letter}`, 'expected a letter key with non-empty text');
    options[letter] = value.trim();
  }
  const answer = Array.isArray(row.answer)
    ? row.answer
    : typeof row.answer === 'string'
      ? [...row.answer]
      : null;
  if (!answer || answer.some((letter) => typeof letter !== 'string'))
    throw fail('answer', 'expected a list of letters such as ["B"] or a string such as "AB"');
  const letters = checkAnswer(answer as string[], options, true, { path, line, field: 'answer' });
  const id =
    typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : `${basename(path)}#${line}`;
  return {
    id,
    question: row.statement.trim(),
    options,
    answer: letters,
    multipleChoice: letters.length > 1,
    path,
    line,
  };
}

/**
 * Read JEC-QA questions: JSON lines (the dataset's layout) or one JSON array of
 * `{ id, statement, option_list: { A…D }, answer: ['B'] }`. A question with several answer letters is multiple
 * choice. Errors name file, line (the array element's index + 1 for an array) and field.
 */
export function parseJecQaQuestions(text: string, options: { path?: string } = {}): ExamQuestion[] {
  const path = options.path ?? '<string>';
  const trimmed = text.replace(/^\ufeff/, '');
  if (trimmed.trimStart().startsWith('[')) {
    let rows: unknown;
    try {
      rows = JSON.parse(trimmed);
    } catch (error) {
      throw new DataGenParseError({ path, message: `malformed JSON: ${(error as Error).message}` });
    }
    return (rows as JecQaRow[]).map((row, index) => jecQaQuestion(row, path, index + 1));
  }
  const questions: ExamQuestion[] = [];
  const lines = trimmed.split('\n');
  for (let index = 0; index < lines.length; index++) {
    if (!lines[index].trim()) continue;
    let row: JecQaRow;
    try {
      row = JSON.parse(lines[index]) as JecQaRow;
    } catch (error) {
      throw new DataGenParseError({
        path,
        line: index + 1,
        message: `malformed JSON: ${(error as Error).message}`,
      });
    }
    questions.push(jecQaQuestion(row, path, index + 1));
  }
  return questions;
}

/** Options of {@link readExamQuestions}. */
export interface ReadExamQuestionsOptions {
  /** Files, or folders searched recursively for `.csv` (DISC) or `.json`/`.jsonl` (JEC-QA) files. */
  paths: string[];
  /** Layout; default from the extension: `.csv` → `disc`, `.json`/`.jsonl` → `jec-qa`. */
  format?: ExamQuestionFormat;
}

async function expand(path: string, format: ExamQuestionFormat | undefined): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new DataGenFileError({
      path,
      code: error.code,
      message: 'does not exist; expected exam questions',
    });
  });
  if (!info.isDirectory()) return [path];
  const files =
    format === 'disc'
      ? await listFiles(path, '.csv')
      : format === 'jec-qa'
        ? [...(await listFiles(path, '.json')), ...(await listFiles(path, '.jsonl'))].sort()
        : [
            ...(await listFiles(path, '.csv')),
            ...(await listFiles(path, '.json')),
            ...(await listFiles(path, '.jsonl')),
          ].sort();
  if (files.length === 0)
    throw new DataGenFileError({ path, code: 'EMPTY', message: 'holds no .csv/.json/.jsonl question file' });
  return files;
}

/**
 * Read multiple-choice questions from DISC-Law-Eval CSV and JEC-QA JSON files or folders. Ids are prefixed with
 * the file's path relative to the folder given (or its name), so they stay unique across files. A duplicate id is
 * a `DataGenParseError`.
 */
export async function readExamQuestions(options: ReadExamQuestionsOptions): Promise<ExamQuestion[]> {
  const { paths, format } = options;
  if (paths.length === 0)
    throw new DataGenOptionError({ field: 'paths', expected: 'at least one path', actual: [] });
  const questions: ExamQuestion[] = [];
  const seen = new Map<string, ExamQuestion>();
  for (const root of paths) {
    for (const file of await expand(root, format)) {
      const text = await readTextFile(file, 'exam questions (DISC CSV or JEC-QA JSON)');
      const layout = format ?? (/\.csv$/i.test(file) ? 'disc' : 'jec-qa');
      const parsed =
        layout === 'disc'
          ? parseDiscQuestions(text, { path: file })
          : parseJecQaQuestions(text, { path: file });
      const prefix = file === root ? basename(file) : relative(root, file);
      for (const question of parsed) {
        if (layout === 'disc')
          question.id = `${prefix.replace(/\.csv$/i, '')}#${question.id.split('#').pop()}`;
        const earlier = seen.get(question.id);
        if (earlier) {
          throw new DataGenParseError({
            path: file,
            line: question.line,
            field: 'id',
            message: `duplicate question id "${question.id}" (first at ${earlier.path}:${earlier.line})`,
          });
        }
        seen.set(question.id, question);
        questions.push(question);
      }
    }
  }
  return questions;
}
