import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EvalFileError } from './errors.js';
import { promptText, readPredictionFile, readTaskData, writePredictionFile } from './lawbench-predictions.js';
import { readPublishedResults } from './published-results.js';

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
      /cannot read \(ENOENT\)/,
    );
    await expect(readTaskData(await temp('d.json', '[{"instruction": "i", "question": 1}]'))).rejects.toThrow(
      /item 0 field "question" is not a string/,
    );
    await expect(readPublishedResults(await temp('r.csv', 'a,b\n'))).rejects.toThrow(
      /expected "task,model_name,score,abstention_rate"/,
    );
  });
});
