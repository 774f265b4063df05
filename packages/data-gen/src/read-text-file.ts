import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeReadError } from '@lawgpt/common';
import { DataGenFileError } from './errors.js';

/**
 * Read a UTF-8 text file; any failure is a {@link DataGenFileError} naming the path and what the file was
 * for (Node's own message for a folder, `EISDIR: illegal operation on a directory, read`, names no path).
 */
export async function readTextFile(path: string, what = 'a file'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const { code, reason } = describeReadError(error);
    throw new DataGenFileError({ path, code, message: `${reason}; expected ${what}` });
  }
}

/** Files under `root` (recursively) whose name ends with `extension`, sorted; a missing root is a {@link DataGenFileError}. */
export async function listFiles(root: string, extension: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(
    (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? 'does not exist' : `cannot be listed (${error.code})`;
      throw new DataGenFileError({ path: root, code: error.code, message: `${reason}; expected a folder` });
    },
  );
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}
