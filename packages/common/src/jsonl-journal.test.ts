import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendJsonl, readJsonlJournal } from './jsonl-journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-common-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSONL journal', () => {
  it('reads a missing journal as empty and round-trips appended records', async () => {
    const path = join(dir, 'progress', 'run.jsonl');
    expect(await readJsonlJournal({ path })).toEqual({ records: [], truncatedBytes: 0, malformed: [] });
    await appendJsonl({ path, records: [{ id: 1, text: '第一条' }] });
    await appendJsonl({ path, records: [] });
    await appendJsonl({ path, records: [{ id: 2 }, { id: 3 }] });
    const journal = await readJsonlJournal<{ id: number }>({ path });
    expect(journal.records.map((record) => record.id)).toEqual([1, 2, 3]);
    expect(journal.truncatedBytes).toBe(0);
  });

  it('cuts off a torn last line so that the next append starts a fresh line', async () => {
    const path = join(dir, 'run.jsonl');
    const torn = '{"id":3,"te';
    await writeFile(path, `{"id":1}\n{"id":2}\n${torn}`);
    const journal = await readJsonlJournal<{ id: number }>({ path });
    expect(journal.records).toEqual([{ id: 1 }, { id: 2 }]);
    expect(journal.truncatedBytes).toBe(Buffer.byteLength(torn));
    await appendJsonl({ path, records: [{ id: 3 }] });
    expect(await readFile(path, 'utf8')).toBe('{"id":1}\n{"id":2}\n{"id":3}\n');
  });

  it('reports malformed complete lines with their line numbers instead of throwing', async () => {
    const path = join(dir, 'run.jsonl');
    await writeFile(path, '{"id":1}\n\nnot json\n{"id":2}\n');
    const journal = await readJsonlJournal({ path });
    expect(journal.records).toEqual([{ id: 1 }, { id: 2 }]);
    expect(journal.malformed.map((entry) => entry.line)).toEqual([3]);
    expect(journal.malformed[0].message).toMatch(/JSON/);
  });

  it('refuses a folder', async () => {
    const path = join(dir, 'folder.jsonl');
    await mkdir(path);
    await expect(readJsonlJournal({ path })).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
