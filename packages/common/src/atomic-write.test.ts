import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceFileAtomic, temporaryPathFor, writeFileAtomic, writeFilesAtomic } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-common-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic writes', () => {
  it('writes a file, creating its folder, and leaves no temporary file', async () => {
    const path = join(dir, 'a', 'b.txt');
    await writeFileAtomic({ path, data: '第一条\n' });
    expect(await readFile(path, 'utf8')).toBe('第一条\n');
    await writeFileAtomic({ path, data: new Uint8Array([1, 2, 3]) });
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await readdir(join(dir, 'a'))).toEqual(['b.txt']);
  });

  it('leaves the old file and no temporary file when the write fails or is aborted', async () => {
    const path = join(dir, 'keep.txt');
    await writeFile(path, 'old');
    const failing = replaceFileAtomic({
      path,
      write: async (temporary) => {
        await writeFile(temporary, 'half');
        throw new Error('disk full');
      },
    });
    await expect(failing).rejects.toThrow('disk full');
    const controller = new AbortController();
    const aborted = replaceFileAtomic({
      path,
      signal: controller.signal,
      write: async (temporary) => {
        await writeFile(temporary, 'new');
        controller.abort();
      },
    });
    await expect(aborted).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });

  it('replaces several files only when all are written', async () => {
    const files = [
      { path: join(dir, 'x.json'), data: '{}' },
      { path: join(dir, 'sub', 'y.txt'), data: 'y' },
    ];
    await writeFilesAtomic({ files });
    expect(await readFile(files[1].path, 'utf8')).toBe('y');
    const blocked = join(dir, 'x.json', 'z.txt'); // x.json is a file: its "folder" cannot be made
    await expect(
      writeFilesAtomic({
        files: [
          { path: join(dir, 'sub', 'y.txt'), data: 'new' },
          { path: blocked, data: 'z' },
        ],
      }),
    ).rejects.toThrow();
    expect(await readFile(files[1].path, 'utf8')).toBe('y');
    expect((await readdir(join(dir, 'sub'))).sort()).toEqual(['y.txt']);
  });

  it('names temporary files after the target and the process', () => {
    const name = temporaryPathFor('/out/trainer_state.json');
    expect(name.startsWith(`/out/trainer_state.json.tmp-${process.pid}-`)).toBe(true);
    expect(name).not.toBe(temporaryPathFor('/out/trainer_state.json'));
  });
});
