import { readFile } from 'node:fs/promises';
import { IGNORE_INDEX } from '@lawgpt/llama-core';
import { TrainingError } from './errors.js';
import type { AlpacaRecord, PromptTemplate } from './prompt-template.js';
import { alpacaTemplate, formatPrompt } from './prompt-template.js';

/** The tokenizer a trainer needs (structural: `@lawgpt/tokenizer-legal`'s tokenizers fit). */
export interface TrainingTokenizer {
  encode(text: string, options?: { addBos?: boolean; addEos?: boolean }): number[];
  eosId?: number;
}

/** One tokenized training example: model input and labels (`-100` = not scored). */
export interface TrainingExample {
  inputIds: number[];
  labels: number[];
}

/** Label value that the loss ignores (Hugging Face convention): llama-core's, which its loss skips. */
export { IGNORE_INDEX };

function parseRecord(value: unknown, path: string, line: number): AlpacaRecord {
  const record = value as Record<string, unknown>;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new TrainingError(`${path}:${line}: expected an object {instruction, input?, output}`, {
      path,
      field: 'record',
    });
  }
  for (const field of ['instruction', 'output'] as const) {
    if (typeof record[field] !== 'string') {
      throw new TrainingError(
        `${path}:${line}: field "${field}" must be a string, got ${typeof record[field]}`,
        {
          path,
          field,
          actual: record[field],
        },
      );
    }
  }
  if (record.input !== undefined && record.input !== null && typeof record.input !== 'string') {
    throw new TrainingError(`${path}:${line}: field "input" must be a string`, { path, field: 'input' });
  }
  return {
    instruction: record.instruction as string,
    input: (record.input as string | undefined) ?? '',
    output: record.output as string,
  };
}

/**
 * Read instruction data: an Alpaca JSON array (`[{instruction, input, output}, …]`) or JSONL (one record per
 * line). A malformed record is an error naming the file and line (JSONL) or index (JSON).
 */
export async function readInstructionData(path: string): Promise<AlpacaRecord[]> {
  const text = await readText(path, 'instruction data (Alpaca JSON or JSONL)');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let values: unknown[];
    try {
      values = JSON.parse(trimmed) as unknown[];
    } catch (error) {
      throw new TrainingError(`${path}: not valid JSON (${(error as Error).message})`, { path });
    }
    return nonEmpty(
      values.map((value, index) => parseRecord(value, path, index + 1)),
      path,
    );
  }
  const records: AlpacaRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new TrainingError(`${path}:${index + 1}: malformed JSON line (${(error as Error).message})`, {
        path,
        field: `line ${index + 1}`,
      });
    }
    records.push(parseRecord(value, path, index + 1));
  });
  return nonEmpty(records, path);
}

/** Zero examples read is an error naming the file, never an empty training set. */
function nonEmpty<T>(records: T[], path: string): T[] {
  if (records.length === 0) {
    throw new TrainingError(`${path}: no training records (the file is empty or holds an empty list)`, {
      path,
      expected: 'at least one record',
      actual: 0,
    });
  }
  return records;
}

/** A text file; a failure (a folder, a missing file) is a {@link TrainingError} naming the path. */
async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EISDIR' ? 'is a folder' : code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    throw new TrainingError(`${path}: ${reason}; expected ${what}`, { path, actual: code });
  }
}

/** Options for {@link tokenizeInstruction}. */
export interface TokenizeInstructionOptions {
  tokenizer: TrainingTokenizer;
  /** Prompt template (default Alpaca, with the `input` section when present). */
  template?: PromptTemplate;
  /** Longest example in tokens; longer ones are cut at the end (default 512). */
  cutoffLength?: number;
  /** Score the prompt tokens too (default false: only the response is learned). */
  trainOnInputs?: boolean;
}

/** Tokenize one instruction record as BOS + prompt + response + EOS, labels masked on the prompt. */
export function tokenizeInstruction(
  record: AlpacaRecord,
  {
    tokenizer,
    template = alpacaTemplate,
    cutoffLength = 512,
    trainOnInputs = false,
  }: TokenizeInstructionOptions,
): TrainingExample {
  const prompt = formatPrompt(record, template);
  const promptIds = tokenizer.encode(prompt, { addBos: true });
  const fullIds = tokenizer.encode(prompt + record.output, { addBos: true, addEos: true });
  // The prompt's tokens are a prefix of the full text's in SentencePiece BPE except at the boundary, so mask
  // by the shared prefix length.
  let shared = 0;
  while (shared < promptIds.length && promptIds[shared] === fullIds[shared]) shared++;
  const inputIds = fullIds.slice(0, cutoffLength);
  const labels = inputIds.map((id, index) => (!trainOnInputs && index < shared ? IGNORE_INDEX : id));
  return { inputIds, labels };
}

/** Options for {@link packTexts}. */
export interface PackTextsOptions {
  tokenizer: TrainingTokenizer;
  /** Tokens per training block (default 512). */
  blockSize?: number;
}

/**
 * Pretraining examples: tokenize each text (BOS … EOS), concatenate, cut into blocks of `blockSize`
 * (the last partial block is dropped, as Hugging Face's `group_texts` does). Labels equal inputs.
 */
export function packTexts(
  texts: Iterable<string>,
  { tokenizer, blockSize = 512 }: PackTextsOptions,
): TrainingExample[] {
  const stream: number[] = [];
  for (const text of texts) stream.push(...tokenizer.encode(text, { addBos: true, addEos: true }));
  const examples: TrainingExample[] = [];
  for (let start = 0; start + blockSize <= stream.length; start += blockSize) {
    const block = stream.slice(start, start + blockSize);
    examples.push({ inputIds: block, labels: block.slice() });
  }
  return examples;
}

/**
 * Texts of a pretraining corpus file: JSONL (`content` — LaWGPT's format — or `text` field per line),
 * a JSON array of strings or such objects, or any other file as one text (plain text, Markdown).
 */
export async function readPretrainingTexts(path: string): Promise<string[]> {
  const text = await readText(path, 'pretraining text (JSONL, JSON or plain text)');
  if (text.trim() === '')
    throw new TrainingError(`${path}: the file is empty; no text to train on`, { path });
  const pick = (value: unknown, where: string): string => {
    if (typeof value === 'string') return value;
    const record = value as Record<string, unknown> | null;
    const field = record?.content ?? record?.text;
    if (typeof field !== 'string') {
      throw new TrainingError(`${where}: expected a "content" or "text" string field`, {
        path,
        field: 'content',
      });
    }
    return field;
  };
  if (/\.jsonl$/i.test(path)) {
    return text.split('\n').flatMap((line, index) => {
      if (line.trim() === '') return [];
      try {
        return [pick(JSON.parse(line), `${path}:${index + 1}`)];
      } catch (error) {
        if (error instanceof TrainingError) throw error;
        throw new TrainingError(`${path}:${index + 1}: malformed JSON line (${(error as Error).message})`, {
          path,
        });
      }
    });
  }
  if (/\.json$/i.test(path)) {
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch (error) {
      throw new TrainingError(`${path}: not valid JSON (${(error as Error).message})`, { path });
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new TrainingError(`${path}: expected a non-empty JSON list of texts`, { path });
    }
    return values.map((value, index) => pick(value, `${path}[${index}]`));
  }
  return [text];
}
