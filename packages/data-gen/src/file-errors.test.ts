import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCailCases } from './cail-cases.js';
import { buildCorpus } from './corpus-builder.js';
import { DataGenFileError } from './errors.js';
import { readJsonl, readResumableJsonl } from './jsonl.js';
import { loadKnowledgeBase } from './knowledge-base.js';
import { readTextFile } from './read-text-file.js';

let dir: string;
let folder: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dg-files-'));
  folder = join(dir, 'instructions.jsonl'); // a folder where a file is expected
  await mkdir(folder);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<DataGenFileError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DataGenFileError);
  return error as DataGenFileError;
}

describe('file errors name the path', () => {
  it('a folder where a file is expected (EISDIR) names the folder in every reader', async () => {
    const readers = [
      () => readTextFile(folder, 'an instruction file'),
      () => readJsonl(folder),
      () => readResumableJsonl(folder),
      () => readCailCases(folder),
      () => buildCorpus({ sources: [{ kind: 'jsonl', path: folder }], outDir: join(dir, 'c1') }),
    ];
    for (const reader of readers) {
      const error = await failure(reader());
      expect(error.path).toBe(folder);
      expect(error.message).toMatch(new RegExp(`^${folder}: is a folder; expected `));
    }
  });

  it('a missing file or folder names it', async () => {
    const missing = join(dir, 'nope.jsonl');
    expect((await failure(readJsonl(missing))).message).toBe(
      `${missing}: does not exist; expected a JSONL file`,
    );
    const laws = join(dir, 'no-laws');
    expect((await failure(loadKnowledgeBase({ root: laws }))).message).toMatch(`${laws}: does not exist`);
  });

  it('zero articles or zero documents is an error, not an empty result', async () => {
    const laws = join(dir, 'laws');
    await mkdir(laws);
    await writeFile(join(laws, '说明.md'), '# 说明\n\n这里没有条文。\n');
    const error = await failure(loadKnowledgeBase({ root: laws }));
    expect(error).toMatchObject({ path: laws, code: 'EMPTY' });
    expect(error.message).toContain('no statute article parsed from 1 Markdown file(s)');
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '');
    const corpus = await failure(
      buildCorpus({ sources: [{ kind: 'jsonl', path: empty }], outDir: join(dir, 'c2') }),
    );
    expect(corpus.message).toContain(`${empty}: no documents read (jsonl source "empty.jsonl")`);
  });
});
