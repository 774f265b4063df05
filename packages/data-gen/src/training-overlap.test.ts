import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkItem } from './benchmark-items.js';
import { DataGenParseError } from './errors.js';
import { createRandom } from './internal/random.js';
import {
  parseTrainingData,
  readTrainingData,
  TRAINING_DATA_FILE,
  type TrainingData,
} from './training-data.js';
import { checkTrainingOverlap } from './training-overlap.js';

const random = createRandom(5);
const chinese = (length: number) =>
  Array.from({ length }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 8000))).join('');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const items: BenchmarkItem[] = Array.from({ length: 6 }, (_, n) => ({
  id: `bench:${n}`,
  task: n < 3 ? 'task-a' : 'task-b',
  text: chinese(120),
}));

let dir: string;
let trainingData: TrainingData;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-overlap-'));
  const sft = JSON.stringify([
    { instruction: '请回答', input: items[0].text, output: '答' },
    { instruction: '无关问题', input: '', output: chinese(80) },
    { instruction: '另一题', input: items[4].text, output: '答' },
  ]);
  const pretrain = `${JSON.stringify({ content: `前文${items[1].text}后文` })}\n${JSON.stringify({ content: chinese(300) })}\n`;
  const changed = '这一段文字在训练之后被改过。\n\n';
  await writeFile(join(dir, 'sft.json'), sft);
  await writeFile(join(dir, 'corpus.jsonl'), pretrain);
  await writeFile(join(dir, 'notes.md'), `${changed}${items[3].text}\n`);
  trainingData = {
    format: 'lawgpt-training-data',
    version: 1,
    command: 'sft',
    createdAt: new Date(0).toISOString(),
    files: [
      { path: join(dir, 'corpus.jsonl'), sha256: sha(pretrain), records: 2, from: '/base-model' },
      { path: join(dir, 'sft.json'), sha256: sha(sft), records: 3, weight: 0.7, stage: 'stage-1' },
      { path: join(dir, 'gone.json'), sha256: sha('x'), records: 1, weight: 0.3, stage: 'stage-1' },
      { path: join(dir, 'notes.md'), sha256: sha(changed), records: 1, stage: 'stage-2' },
    ],
  };
  await writeFile(join(dir, TRAINING_DATA_FILE), JSON.stringify(trainingData));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('checkTrainingOverlap', () => {
  it('finds the benchmark items in every listed file, per task, and marks changed and missing files', async () => {
    const report = await checkTrainingOverlap({ trainingData: dir, items });
    expect(report.files.map((file) => [file.status, file.flaggedRecords])).toEqual([
      ['checked', 1],
      ['checked', 2],
      ['missing', 0],
      ['changed', 1],
    ]);
    expect(report.flaggedRecords).toBe(4);
    expect(report.tasks['task-a']).toMatchObject({ items: 3, overlappedItems: 2, flaggedRecords: 2 });
    expect(report.tasks['task-b']).toMatchObject({ items: 3, overlappedItems: 2, flaggedRecords: 2 });
    expect(report.tasks['task-a'].byDetector.ngram).toBe(2);
    expect(report.tasks['task-a'].examples.map((example) => [example.file, example.itemId])).toEqual([
      [join(dir, 'corpus.jsonl'), 'bench:1'],
      [join(dir, 'sft.json'), 'bench:0'],
    ]);
    expect(report.overlappedTasks).toEqual(['task-a', 'task-b']);
    // the parsed content works as well as the path
    const again = await checkTrainingOverlap({ trainingData, items: items.slice(0, 3) });
    expect(again.overlappedTasks).toEqual(['task-a']);
    expect(again.flaggedRecords).toBe(2);
  });

  it('reads training_data.json from a folder (none: undefined) and names the bad field', async () => {
    expect((await readTrainingData(dir))?.files).toHaveLength(4);
    expect(await readTrainingData(tmpdir())).toBeUndefined();
    const bad = { ...trainingData, files: [{ ...trainingData.files[0], sha256: 'abc' }] };
    expect(() => parseTrainingData(bad, { path: 'x.json' })).toThrow(DataGenParseError);
    expect(() => parseTrainingData(bad, { path: 'x.json' })).toThrow(/files\[0\]\.sha256/);
    await expect(checkTrainingOverlap({ trainingData: tmpdir(), items })).rejects.toThrow(/training_data/);
  });
});
