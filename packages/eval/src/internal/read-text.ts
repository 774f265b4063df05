import { readFile } from 'node:fs/promises';
import { EvalFileError } from '../errors.js';

/**
 * A text file, or an {@link EvalFileError} naming the path and what it was meant to be: Node's own
 * message for a folder (`EISDIR: illegal operation on a directory, read`) names no path.
 */
export async function readText(path: string, what = 'file'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EISDIR'
        ? 'is a folder'
        : code === 'ENOENT'
          ? 'does not exist'
          : `cannot be read (${code ?? (error as Error).message})`;
    throw new EvalFileError(`${path}: ${reason}; expected the ${what}`, path);
  }
}
