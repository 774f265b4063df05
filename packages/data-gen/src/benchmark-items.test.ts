import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDiscLawEvalItems, readJsonlBenchmarkItems } from './benchmark-items.js';
import { DataGenParseError } from './errors.js';
import { readExamQuestions } from './exam-questions.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-bench-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readJsonlBenchmarkItems', () => {
  it('reads JSONL lines and JSON arrays, naming the line (or index + 1) of a bad row', async () => {
    const jsonl = join(dir, 'held.jsonl');
    await writeFile(jsonl, `${JSON.stringify({ question: '甲' })}\n\n${JSON.stringify({ input: '乙' })}\n`);
    expect(await readJsonlBenchmarkItems({ path: jsonl })).toEqual([
      { id: 'held#1', task: 'held', text: '甲' },
      { id: 'held#3', task: 'held', text: '乙' },
    ]);
    const array = join(dir, 'qa.json');
    await writeFile(array, JSON.stringify([{ input: '问一', output: '答' }, { input: '问二' }, { id: 3 }]));
    const error = await readJsonlBenchmarkItems({ path: array, task: 'set/qa' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(DataGenParseError);
    expect(error).toMatchObject({ path: array, line: 3 });
    await writeFile(array, JSON.stringify([{ input: '问一', output: '答' }, { input: '问二' }]));
    expect(await readJsonlBenchmarkItems({ path: array, task: 'set/qa', fields: ['input'] })).toEqual([
      { id: 'set/qa#1', task: 'set/qa', text: '问一' },
      { id: 'set/qa#2', task: 'set/qa', text: '问二' },
    ]);
    await writeFile(array, '{"input": "not an array"}');
    await expect(readJsonlBenchmarkItems({ path: array })).rejects.toThrow(/expected a JSON array/);
  });
});

const disc = join(import.meta.dirname, '../../../../shared/data/disc-law-eval');
describe.skipIf(!existsSync(disc))('loadDiscLawEvalItems (../shared)', () => {
  it('reads every scored DISC-Law-Eval file as its own task, few-shot examples left out', async () => {
    const items = await loadDiscLawEvalItems({ root: disc });
    const csv = (await readdir(join(disc, 'objective'))).filter((name) => name.endsWith('.csv'));
    const json = (await readdir(join(disc, 'subjective'))).filter((name) => name.endsWith('.json'));
    const tasks = new Set(items.map((item) => item.task));
    expect([...tasks].sort()).toEqual(
      [...csv, ...json].map((name) => `disc-law-eval/${name.replace(/\.[^.]*$/, '')}`).sort(),
    );
    const questions = await readExamQuestions({ paths: [join(disc, 'objective')] });
    let subjective = 0;
    for (const name of json)
      subjective += JSON.parse(await readFile(join(disc, 'subjective', name), 'utf8')).length;
    expect(items).toHaveLength(questions.length + subjective);
    console.log(
      `DISC-Law-Eval: ${items.length} items in ${tasks.size} tasks (${questions.length} objective)`,
    );
  });
});
if (!existsSync(disc)) console.log(`skipped the DISC-Law-Eval benchmark test: ${disc} is absent`);
