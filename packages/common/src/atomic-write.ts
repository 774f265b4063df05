import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A temporary name next to `path`: `<path>.tmp-<pid>-<8 hex>`. Same folder, so the final rename stays on one
 * file system; the pid prefix lets a cleanup (`/\.tmp-\d+/`) recognise leftovers of killed runs.
 */
export function temporaryPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Options of {@link replaceFileAtomic}. */
export interface ReplaceFileAtomicOptions {
  /** The file to create or replace. Its folder is created when missing. */
  path: string;
  /** Writes the whole content to `temporary` (it may open, stream to and close it). */
  write: (temporary: string) => Promise<void>;
  /** Checked before writing and again before the rename; an abort leaves `path` as it was. */
  signal?: AbortSignal;
}

/**
 * Create or replace `path` so that it is never seen half-written: `write` fills a temporary file in the same
 * folder, which is then renamed over `path`. On any failure the temporary file is removed and `path` is left
 * as it was.
 */
export async function replaceFileAtomic({ path, write, signal }: ReplaceFileAtomicOptions): Promise<void> {
  signal?.throwIfAborted();
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  try {
    await write(temporary);
    signal?.throwIfAborted();
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** One file of {@link writeFilesAtomic}. */
export interface AtomicFile {
  /** Where the file goes. */
  path: string;
  /** Its whole content (strings are written as UTF-8). */
  data: string | Uint8Array;
}

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions extends AtomicFile {
  /** Checked before writing and before the rename. */
  signal?: AbortSignal;
}

/** Write `data` to `path` through a temporary file and a rename (see {@link replaceFileAtomic}). */
export async function writeFileAtomic({ path, data, signal }: WriteFileAtomicOptions): Promise<void> {
  await replaceFileAtomic({ path, signal, write: (temporary) => writeFile(temporary, data) });
}

/** Options of {@link writeFilesAtomic}. */
export interface WriteFilesAtomicOptions {
  /** The files, renamed into place in this order once all of them are written. */
  files: readonly AtomicFile[];
  /** Checked before each write and before the renames. */
  signal?: AbortSignal;
}

/**
 * Write several files so that none is left half-written: each goes to a temporary name in its folder first,
 * and only when all are complete are they renamed into place. A failure while writing removes every
 * temporary file and replaces nothing.
 */
export async function writeFilesAtomic({ files, signal }: WriteFilesAtomicOptions): Promise<void> {
  const written: Array<{ temporary: string; path: string }> = [];
  try {
    for (const file of files) {
      signal?.throwIfAborted();
      await mkdir(dirname(file.path), { recursive: true });
      const temporary = temporaryPathFor(file.path);
      written.push({ temporary, path: file.path });
      await writeFile(temporary, file.data);
    }
    signal?.throwIfAborted();
    for (const { temporary, path } of written) await rename(temporary, path);
  } catch (error) {
    await Promise.all(written.map(({ temporary }) => rm(temporary, { force: true })));
    throw error;
  }
}
