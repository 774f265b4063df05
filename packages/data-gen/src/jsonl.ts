import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  appendJsonl as appendJsonlCommon,
  readJsonlJournal,
  writeFileAtomic as writeFileAtomicCommon,
} from '@lawgpt/common';
import { DataGenFileError, DataGenParseError } from './errors.js';
import { readTextFile } from './read-text-file.js';

/** Parse JSONL text; a malformed line throws `DataGenParseError` naming the file and line. Blank lines are skipped. */
export function parseJsonl<T = unknown>(text: string, options: { path?: string } = {}): T[] {
  const path = options.path ?? '<string>';
  const records: T[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      throw new DataGenParseError({
        path,
        line: index + 1,
        message: `malformed JSON: ${(error as Error).message}`,
      });
    }
  }
  return records;
}

/** Read a JSONL file (see {@link parseJsonl}). */
export async function readJsonl<T = unknown>(path: string): Promise<T[]> {
  return parseJsonl<T>(await readTextFile(path, 'a JSONL file'), { path });
}

/** Write `content` to `path` atomically: a temp file in the same folder, then rename. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await writeFileAtomicCommon({ path, data: content });
}

/** Append one record as a JSON line (a single write, so a record is either whole or a torn last line). */
export async function appendJsonl(path: string, record: unknown): Promise<void> {
  await appendJsonlCommon({ path, records: [record] });
}

/**
 * Read the records of an append-only JSONL output for resuming. A torn last line (a run killed while
 * writing) is cut off the file and reported in `truncatedBytes`; a malformed line elsewhere throws.
 */
export async function readResumableJsonl<T = unknown>(
  path: string,
): Promise<{ records: T[]; truncatedBytes: number }> {
  const journal = await readJsonlJournal<T>({ path }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EISDIR') throw error;
    throw new DataGenFileError({
      path,
      code: 'EISDIR',
      message: 'is a folder; expected a JSONL output file',
    });
  });
  const [first] = journal.malformed;
  if (first)
    throw new DataGenParseError({ path, line: first.line, message: `malformed JSON: ${first.message}` });
  return { records: journal.records, truncatedBytes: journal.truncatedBytes };
}

/** Make sure a folder exists and return an open-for-append handle's path helper. */
export async function ensureFile(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a');
  await handle.close();
}
