import { readFile } from 'node:fs/promises';
import { describeReadError } from '@lawgpt/common';
import { PromptFileError } from '../errors.js';

/** One prompt of a JSONL prompt file. */
export interface PromptRecord {
  /** The record's `id` as a string, or its 1-based line number when it has none. Unique within the file. */
  id: string;
  /** The prompt text. */
  prompt: string;
}

/** Options of {@link readPromptFile}. */
export interface ReadPromptFileOptions {
  /** A JSONL file, one `{"id"?: string | number, "prompt": string}` per line; blank lines are skipped. */
  path: string;
  /** Checked before reading. */
  signal?: AbortSignal;
}

/**
 * Read a JSONL file of prompts. Throws {@link PromptFileError} naming the file and line for an unreadable file,
 * a line that is not JSON, a `prompt` that is not a string, or an id seen before.
 */
export async function readPromptFile({ path, signal }: ReadPromptFileOptions): Promise<PromptRecord[]> {
  signal?.throwIfAborted();
  const text = await readFile(path, { encoding: 'utf8', signal }).catch((error: unknown) => {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new PromptFileError(path, undefined, describeReadError(error).reason);
  });
  const records: PromptRecord[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    let json: { id?: unknown; prompt?: unknown } | null;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new PromptFileError(path, line, `not valid JSON (${(error as Error).message})`);
    }
    if (typeof json?.prompt !== 'string')
      throw new PromptFileError(path, line, 'field "prompt" must be a string', 'prompt');
    const id = json.id === undefined ? String(line) : String(json.id);
    if (seen.has(id)) throw new PromptFileError(path, line, `duplicate id ${JSON.stringify(id)}`, 'id');
    seen.add(id);
    records.push({ id, prompt: json.prompt });
  });
  return records;
}
