import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Write several files so that none is left half-written: every file goes to a temporary name in the
 * same folder first, and only when all are complete are they renamed into place.
 */
export async function writeFilesAtomically(
  files: Array<{ path: string; data: string | Uint8Array }>,
): Promise<void> {
  const suffix = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const written: string[] = [];
  try {
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFile(file.path + suffix, file.data);
      written.push(file.path + suffix);
    }
    for (const file of files) await rename(file.path + suffix, file.path);
  } catch (error) {
    await Promise.all(written.map((path) => rm(path, { force: true })));
    throw error;
  }
}
