import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { DataGenAbortError, DataGenFileError, DataGenOptionError, DataGenParseError } from './errors.js';
import { writeFileAtomic } from './jsonl.js';
import { createMinHasher, MinHashIndex } from './minhash.js';
import { listFiles, readTextFile } from './read-text-file.js';
import { cleanText, type NormalizeTextOptions } from './text-normalize.js';

/** Where corpus documents come from. */
export type CorpusSource =
  /** Statute Markdown files under `root`, one document per file (the INFO header marker removed). */
  | { kind: 'markdown'; root: string; name?: string }
  /** JSONL, one document per line from `field` (default: `content`, else `fact`, else `text`). */
  | { kind: 'jsonl'; path: string; field?: string; name?: string }
  /** A text file, or every `.txt` file under a folder; one document per file. */
  | { kind: 'text'; path: string; name?: string }
  /** Documents given in memory. */
  | { kind: 'documents'; documents: string[]; name: string };

/** Numbers about a corpus build. */
export interface CorpusStats {
  documentsIn: number;
  documentsOut: number;
  charactersIn: number;
  charactersOut: number;
  exactDuplicates: number;
  nearDuplicates: number;
  /** Documents shorter than `minCharacters` after cleaning. */
  tooShort: number;
  shards: { path: string; documents: number; characters: number }[];
  sources: Record<string, { documentsIn: number; documentsOut: number }>;
  nearDuplicateThreshold: number | null;
  elapsedMs: number;
}

/** Progress of a corpus build. */
export interface CorpusProgress {
  documents: number;
  kept: number;
  documentsPerSecond: number;
  source: string;
}

/** Options of {@link buildCorpus}. */
export interface BuildCorpusOptions {
  sources: CorpusSource[];
  /** Output folder for `<prefix>-00000.jsonl` shards and `<prefix>-stats.json`. */
  outDir: string;
  prefix?: string;
  /** Documents per shard. Default 10,000. */
  shardSize?: number;
  /** Estimated Jaccard (5-character shingles) at or above which a document is a near duplicate. Default 0.8; null turns near-dup removal off. */
  nearDuplicateThreshold?: number | null;
  /** Documents shorter than this (characters, after cleaning) are dropped. Default 10. */
  minCharacters?: number;
  normalize?: NormalizeTextOptions;
  onProgress?: (progress: CorpusProgress) => void;
  signal?: AbortSignal;
}

async function* markdownDocuments(root: string): AsyncGenerator<string> {
  const files = await listFiles(root, '.md');
  for (const file of files) yield await readTextFile(file, 'a statute Markdown file');
}

async function* jsonlDocuments(path: string, field: string | undefined): AsyncGenerator<string> {
  const kind = await stat(path).then(
    (info) => (info.isFile() ? undefined : 'is a folder'),
    (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code})`,
  );
  if (kind) throw new DataGenFileError({ path, message: `${kind}; expected a JSONL file` });
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (!line.trim()) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new DataGenParseError({
        path,
        line: number,
        message: `malformed JSON: ${(error as Error).message}`,
      });
    }
    const key = field ?? ['content', 'fact', 'text'].find((name) => typeof record[name] === 'string');
    const value = key === undefined ? undefined : record[key];
    if (typeof value !== 'string') {
      throw new DataGenParseError({
        path,
        line: number,
        field: field ?? 'content|fact|text',
        message: 'expected a string field',
      });
    }
    yield value;
  }
}

async function* textDocuments(path: string): AsyncGenerator<string> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new DataGenFileError({ path, code: error.code, message: 'does not exist or cannot be read' });
  });
  if (info.isFile()) {
    yield await readTextFile(path, 'a text file');
    return;
  }
  const files = await listFiles(path, '.txt');
  for (const file of files) yield await readTextFile(file, 'a text file');
}

/** The file or folder a source reads, for errors. */
function sourcePath(source: CorpusSource): string {
  if (source.kind === 'markdown') return source.root;
  return source.kind === 'documents' ? source.name : source.path;
}

function documentsOf(source: CorpusSource): {
  name: string;
  documents: AsyncIterable<string> | Iterable<string>;
} {
  switch (source.kind) {
    case 'markdown':
      return { name: source.name ?? basename(source.root), documents: markdownDocuments(source.root) };
    case 'jsonl':
      return {
        name: source.name ?? basename(source.path),
        documents: jsonlDocuments(source.path, source.field),
      };
    case 'text':
      return { name: source.name ?? basename(source.path), documents: textDocuments(source.path) };
    case 'documents':
      return { name: source.name, documents: source.documents };
    default:
      throw new DataGenOptionError({
        field: 'sources[].kind',
        expected: 'markdown|jsonl|text|documents',
        actual: (source as { kind: unknown }).kind,
      });
  }
}

/**
 * Build a pretraining corpus: clean each document (Markdown/HTML stripped, whitespace and full-width forms
 * normalised), drop short ones, exact duplicates (SHA-1 of the cleaned text) and near duplicates (MinHash
 * LSH at `nearDuplicateThreshold`), and write JSONL shards of `{"content": …}` plus a stats file.
 */
export async function buildCorpus(options: BuildCorpusOptions): Promise<CorpusStats> {
  const {
    sources,
    outDir,
    prefix = 'corpus',
    shardSize = 10000,
    nearDuplicateThreshold = 0.8,
    minCharacters = 10,
    normalize = {},
    onProgress,
    signal,
  } = options;
  if (!(shardSize >= 1))
    throw new DataGenOptionError({ field: 'shardSize', expected: 'an integer ≥ 1', actual: shardSize });
  if (nearDuplicateThreshold !== null && !(nearDuplicateThreshold > 0 && nearDuplicateThreshold <= 1)) {
    throw new DataGenOptionError({
      field: 'nearDuplicateThreshold',
      expected: 'a number in (0, 1] or null',
      actual: nearDuplicateThreshold,
    });
  }
  const started = Date.now();
  const hasher = createMinHasher();
  const index =
    nearDuplicateThreshold === null
      ? undefined
      : new MinHashIndex(nearDuplicateThreshold, hasher.permutations);
  const seen = new Set<string>();
  const stats: CorpusStats = {
    documentsIn: 0,
    documentsOut: 0,
    charactersIn: 0,
    charactersOut: 0,
    exactDuplicates: 0,
    nearDuplicates: 0,
    tooShort: 0,
    shards: [],
    sources: {},
    nearDuplicateThreshold,
    elapsedMs: 0,
  };
  let shard: string[] = [];
  let shardCharacters = 0;
  const flush = async () => {
    if (shard.length === 0) return;
    const path = join(outDir, `${prefix}-${String(stats.shards.length).padStart(5, '0')}.jsonl`);
    await writeFileAtomic(path, shard.join(''));
    stats.shards.push({ path, documents: shard.length, characters: shardCharacters });
    shard = [];
    shardCharacters = 0;
  };
  for (const source of sources) {
    const { name, documents } = documentsOf(source);
    stats.sources[name] ??= { documentsIn: 0, documentsOut: 0 };
    const counts = stats.sources[name];
    let read = 0;
    for await (const raw of documents) {
      if (signal?.aborted) throw new DataGenAbortError('corpus build aborted');
      read++;
      stats.documentsIn++;
      counts.documentsIn++;
      stats.charactersIn += raw.length;
      // Step 1: clean; Step 2: length, exact and near-duplicate filters.
      const content = cleanText(raw, normalize);
      if (content.length < minCharacters) {
        stats.tooShort++;
        continue;
      }
      const digest = createHash('sha1').update(content).digest('hex');
      if (seen.has(digest)) {
        stats.exactDuplicates++;
        continue;
      }
      seen.add(digest);
      if (index && index.add(hasher.signature(content)) !== undefined) {
        stats.nearDuplicates++;
        continue;
      }
      // Step 3: shard.
      shard.push(`${JSON.stringify({ content })}\n`);
      shardCharacters += content.length;
      stats.documentsOut++;
      counts.documentsOut++;
      stats.charactersOut += content.length;
      if (shard.length >= shardSize) await flush();
      if (onProgress && stats.documentsIn % 200 === 0) {
        const seconds = (Date.now() - started) / 1000;
        onProgress({
          documents: stats.documentsIn,
          kept: stats.documentsOut,
          documentsPerSecond: stats.documentsIn / Math.max(seconds, 1e-3),
          source: name,
        });
      }
    }
    if (read === 0) {
      throw new DataGenFileError({
        path: sourcePath(source),
        code: 'EMPTY',
        message: `no documents read (${source.kind} source "${name}"); nothing to build a corpus from`,
      });
    }
  }
  await flush();
  stats.elapsedMs = Date.now() - started;
  await writeFileAtomic(join(outDir, `${prefix}-stats.json`), `${JSON.stringify(stats, null, 2)}\n`);
  return stats;
}
