import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { CorpusError, TokenizerFileError } from './errors.js';

/** One training sentence and where it came from. */
export interface CorpusLine {
  text: string;
  path: string;
  line: number;
}

const EXTENSIONS = new Set(['.txt', '.md', '.jsonl', '.json']);

/** Every corpus file under `inputs` (files as given; folders searched recursively for .txt/.md/.jsonl/.json), sorted. */
export async function listCorpusFiles(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const visit = async (path: string): Promise<void> => {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      throw new TokenizerFileError(path, `cannot read corpus input: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!info.isDirectory()) {
      files.push(path);
      return;
    }
    const entries = (await readdir(path)).sort();
    for (const entry of entries) {
      const child = join(path, entry);
      const childInfo = await stat(child);
      if (childInfo.isDirectory() || EXTENSIONS.has(extname(entry).toLowerCase())) await visit(child);
    }
  };
  for (const input of inputs) await visit(input);
  return files;
}

/** Text of one Markdown statute line: comments and blank lines dropped, heading marks removed. */
function markdownLine(line: string): string {
  const trimmed = line.trim();
  if (trimmed.length === 0 || trimmed.startsWith('<!--')) return '';
  return trimmed.replace(/^#{1,6}\s+/, '');
}

/**
 * Sentences of a corpus file: plain text and Markdown give one per non-empty line; JSONL (`.jsonl`,
 * `.json`) gives the string field `textField` of each line's object (malformed lines → {@link CorpusError}).
 */
export async function* readCorpusFile(
  path: string,
  { textField = 'text', signal }: { textField?: string; signal?: AbortSignal } = {},
): AsyncGenerator<CorpusLine> {
  const extension = extname(path).toLowerCase();
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const raw of lines) {
    number++;
    signal?.throwIfAborted();
    if (extension === '.jsonl' || extension === '.json') {
      if (raw.trim().length === 0) continue;
      let record: unknown;
      try {
        record = JSON.parse(raw);
      } catch (error) {
        throw new CorpusError(path, number, `malformed JSON: ${(error as Error).message}`);
      }
      const text = (record as Record<string, unknown> | null)?.[textField];
      if (typeof text !== 'string') {
        throw new CorpusError(
          path,
          number,
          `field "${textField}" is ${text === undefined ? 'missing' : typeof text}, expected a string`,
        );
      }
      for (const part of text.split(/\r?\n/))
        if (part.trim().length > 0) yield { text: part.trim(), path, line: number };
    } else {
      const text = extension === '.md' ? markdownLine(raw) : raw.trim();
      if (text.length > 0) yield { text, path, line: number };
    }
  }
}
