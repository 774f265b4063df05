import { appendFile, mkdir, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A complete line of a journal that is not JSON. */
export interface MalformedJsonlLine {
  /** 1-based line number. */
  line: number;
  /** Why `JSON.parse` refused it. */
  message: string;
}

/** What {@link readJsonlJournal} found. */
export interface JsonlJournal<T> {
  /** The records of the complete lines, in file order (blank lines skipped). */
  records: T[];
  /** Bytes of a torn last line (a run killed mid-append) cut off the file; 0 when none. */
  truncatedBytes: number;
  /** Complete lines that are not JSON; they are left in the file and not in `records`. */
  malformed: MalformedJsonlLine[];
}

/** Options of {@link readJsonlJournal}. */
export interface ReadJsonlJournalOptions {
  /** The journal. A missing file is an empty journal; a folder is an `EISDIR` error. */
  path: string;
  /** Checked before reading. */
  signal?: AbortSignal;
}

/**
 * Read an append-only JSONL journal to resume from it. Every record ends with `\n`, so bytes after the last
 * newline are a torn write: they are cut off the file (reported in `truncatedBytes`), and the next append
 * starts on a fresh line. Malformed complete lines are reported, not thrown: the caller decides.
 */
export async function readJsonlJournal<T = unknown>({
  path,
  signal,
}: ReadJsonlJournalOptions): Promise<JsonlJournal<T>> {
  signal?.throwIfAborted();
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { records: [], truncatedBytes: 0, malformed: [] };
    throw error;
  }
  const complete = buffer.lastIndexOf(0x0a) + 1;
  const truncatedBytes = buffer.length - complete;
  if (truncatedBytes > 0) await truncate(path, complete);
  const records: T[] = [];
  const malformed: MalformedJsonlLine[] = [];
  const lines = buffer.subarray(0, complete).toString('utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      malformed.push({ line: index + 1, message: (error as Error).message });
    }
  }
  return { records, truncatedBytes, malformed };
}

/** Options of {@link appendJsonl}. */
export interface AppendJsonlOptions {
  /** The journal; it and its folder are created when missing. */
  path: string;
  /** Records to add, one JSON line each. */
  records: readonly unknown[];
}

/**
 * Append records as JSON lines in one write, so a kill leaves at most a torn last line, which
 * {@link readJsonlJournal} cuts off.
 */
export async function appendJsonl({ path, records }: AppendJsonlOptions): Promise<void> {
  if (records.length === 0) return;
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}
