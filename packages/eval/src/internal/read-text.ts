import { readFile } from 'node:fs/promises';
import { describeReadError } from '@lawgpt/common';
import { EvalFileError } from '../errors.js';

/**
 * A text file, or an {@link EvalFileError} naming the path and what it was meant to be: Node's own
 * message for a folder (`EISDIR: illegal operation on a directory, read`) names no path.
 */
export async function readText(path: string, what = 'file'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const { reason } = describeReadError(error);
    throw new EvalFileError(`${path}: ${reason}; expected the ${what}`, path);
  }
}
