import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeReadError } from './read-error.js';

const failure = (path: string) =>
  readFile(path, 'utf8').then(
    () => undefined,
    (error: unknown) => error,
  );

describe('describeReadError', () => {
  it('names a folder, a missing file and other failures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lawgpt-common-'));
    try {
      expect(describeReadError(await failure(dir))).toEqual({ code: 'EISDIR', reason: 'is a folder' });
      expect(describeReadError(await failure(join(dir, 'none.txt')))).toEqual({
        code: 'ENOENT',
        reason: 'does not exist',
      });
      expect(describeReadError(Object.assign(new Error('x'), { code: 'EACCES' })).reason).toBe(
        'cannot be read (EACCES)',
      );
      expect(describeReadError(new Error('bad bytes'))).toEqual({
        code: undefined,
        reason: 'cannot be read (bad bytes)',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
