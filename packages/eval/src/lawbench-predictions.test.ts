import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDiscQuestions } from './disc-law-eval.js';
import { EvalFileError } from './errors.js';
import { promptText, readPredictionFile, readTaskData, writePredictionFile } from './lawbench-predictions.js';
import { perplexity } from './perplexity.js';
import { readPublishedResults } from './published-results.js';
import { scoreLawBench } from './score-lawbench.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function temp(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lawbench-io-'));
  dirs.push(dir);
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

describe('LawBench prediction files', () => {
  it('reads string and role-list prompts in key order and writes the same format back', async () => {
    const path = await temp(
      'p.json',
      JSON.stringify({
        '1': { origin_prompt: 'plain', prediction: 'b', refr: 'y' },
        '0': { origin_prompt: [{ role: 'HUMAN', prompt: 'listed' }], prediction: 'a', refr: 'x' },
      }),
    );
    const items = await readPredictionFile(path);
    expect(items.map(promptText)).toEqual(['listed', 'plain']);
    await writePredictionFile(path, items);
    expect(Object.keys(JSON.parse(await (await import('node:fs/promises')).readFile(path, 'utf8')))).toEqual([
      '0',
      '1',
    ]);
  });

  it('names the file, item and field of a bad input', async () => {
    const bad = await temp(
      'bad.json',
      JSON.stringify({ '0': { origin_prompt: 'q', prediction: 3, refr: 'x' } }),
    );
    const error = await readPredictionFile(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvalFileError);
    expect(error).toMatchObject({ path: bad, line: '0', field: 'prediction' });
    expect((error as Error).message).toContain('"prediction" is number, expected a string');
    await expect(readPredictionFile(await temp('t.json', '{"0": {'))).rejects.toThrow(
      /t\.json: not valid JSON/,
    );
    await expect(readPredictionFile(join(tmpdir(), 'no-such-file.json'))).rejects.toThrow(
      /no-such-file\.json: does not exist/,
    );
    await expect(readTaskData(await temp('d.json', '[{"instruction": "i", "question": 1}]'))).rejects.toThrow(
      /item 0 field "question" is not a string/,
    );
    await expect(readPublishedResults(await temp('r.csv', 'a,b\n'))).rejects.toThrow(
      /expected "task,model_name,score,abstention_rate"/,
    );
  });

  it('names the path when a folder stands where a file is expected (EISDIR)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lawbench-dir-'));
    dirs.push(folder);
    const readers = [
      () => readPredictionFile(folder),
      () => readTaskData(folder),
      () => readPublishedResults(folder),
      () => readDiscQuestions(folder),
      () => perplexity({ scorer: { logProbs: async () => [] }, path: folder }),
    ];
    for (const read of readers) {
      const error = await read().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EvalFileError);
      expect(error).toMatchObject({ path: folder });
      expect((error as Error).message).toContain(`${folder}: is a folder; expected the `);
    }
  });

  it('zero predictions, items or tokens are errors, not NaN', async () => {
    const data = await mkdtemp(join(tmpdir(), 'lawbench-data-'));
    dirs.push(data);
    await mkdir(join(data, 'scorer-data'));
    await mkdir(join(data, 'empty'));
    await writeFile(join(data, 'scorer-data', 'labels.json'), '{"labels": {}}');
    // an empty folder, and the help's relative example run from a folder that lacks it
    await expect(scoreLawBench({ predictionsDir: join(data, 'empty'), dataDir: data })).rejects.toThrow(
      /empty: holds no prediction file \(<task>\.json for 1-1 … 3-8\); nothing to score/,
    );
    const relative = 'predictions/zero_shot/GPT4';
    const error = await scoreLawBench({ predictionsDir: relative, dataDir: data }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvalFileError);
    expect((error as Error).message).toMatch(/^predictions\/zero_shot\/GPT4: does not exist/);
    await writeFile(join(data, 'empty', '1-2.json'), '{}');
    await expect(scoreLawBench({ predictionsDir: join(data, 'empty'), dataDir: data })).rejects.toThrow(
      /1-2\.json: no predictions to score/,
    );
    await expect(readTaskData(await temp('e.json', '[]'))).rejects.toThrow(
      /e\.json: the list of items is empty/,
    );
    const scorer = { logProbs: async () => [] };
    await expect(perplexity({ scorer, text: 'a' })).rejects.toThrow(/gave no token to score/);
  });
});
