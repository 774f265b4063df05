import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPredictionFile } from '../lawbench-predictions.js';
import { lawBenchPrompt, runLawBench } from './run-lawbench.js';
import type { TextGenerator } from './text-generator.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function fakeData(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lawbench-data-'));
  dirs.push(dir);
  await mkdir(join(dir, 'zero_shot'), { recursive: true });
  await mkdir(join(dir, 'scorer-data'), { recursive: true });
  const items = ['A', 'B', 'C', 'D', 'A'].map((letter, index) => ({
    instruction: '请回答选择题。',
    question: `题${index}`,
    answer: `正确答案：${letter}。`,
  }));
  await writeFile(join(dir, 'zero_shot', '1-2.json'), JSON.stringify(items));
  await writeFile(join(dir, 'scorer-data', 'labels.json'), JSON.stringify({ labels: {} }));
  return dir;
}

describe('runLawBench', () => {
  it('prompts instruction + "\\n" + question, writes LawBench predictions and scores them', async () => {
    const dataDir = await fakeData();
    const outputDir = join(dataDir, 'out');
    const prompts: string[] = [];
    const generator: TextGenerator = {
      async generate(prompt) {
        prompts.push(prompt);
        return prompt.endsWith('题1') ? '答案是B' : '答案是A';
      },
    };
    const run = await runLawBench({ generator, dataDir, outputDir, tasks: ['1-2'], concurrency: 2 });
    expect(prompts.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `请回答选择题。\n题${i}`));
    expect(lawBenchPrompt({ instruction: 'a', question: 'b' })).toBe('a\nb');
    const written = await readPredictionFile(join(outputDir, '1-2.json'));
    expect(written[1]).toEqual({
      origin_prompt: [{ role: 'HUMAN', prompt: '请回答选择题。\n题1' }],
      prediction: '答案是B',
      refr: '正确答案：B。',
    });
    // Items 0, 1 and 4 are right (A, B, A): 3/5.
    expect(run.results?.tasks['1-2']?.score).toBeCloseTo(0.6, 12);
  });

  it('one-shot reads one_shot/<task>.json', async () => {
    const dataDir = await fakeData();
    await mkdir(join(dataDir, 'one_shot'));
    await writeFile(
      join(dataDir, 'one_shot', '1-2.json'),
      JSON.stringify([
        { instruction: '示例：题X 答案A。请回答。', question: '题Y', answer: '正确答案：A。' },
      ]),
    );
    const prompts: string[] = [];
    await runLawBench({
      generator: {
        generate: async (prompt) => {
          prompts.push(prompt);
          return 'A';
        },
      },
      dataDir,
      outputDir: join(dataDir, 'one'),
      shot: 'one',
      tasks: ['1-2'],
    });
    expect(prompts).toEqual(['示例：题X 答案A。请回答。\n题Y']);
  });

  it('resumes without asking finished items again, retries failures and honours --limit', async () => {
    const dataDir = await fakeData();
    const outputDir = join(dataDir, 'out');
    await mkdir(join(outputDir, '.progress'), { recursive: true });
    await writeFile(
      join(outputDir, '.progress', '1-2.jsonl'),
      `${JSON.stringify({ index: 0, prediction: 'A' })}\n{"index": 1, "predic`,
    );
    const asked: string[] = [];
    let failures = 1;
    const generator: TextGenerator = {
      async generate(prompt) {
        if (failures-- > 0) throw new Error('flaky');
        asked.push(prompt);
        return 'B';
      },
    };
    const run = await runLawBench({
      generator,
      dataDir,
      outputDir,
      tasks: ['1-2'],
      limit: 3,
      retries: 2,
      retryDelayMs: 1,
      concurrency: 1,
    });
    expect(asked).toEqual(['请回答选择题。\n题1', '请回答选择题。\n题2']);
    expect(run.generated).toBe(2);
    const written = JSON.parse(await readFile(join(outputDir, '1-2.json'), 'utf8'));
    expect(Object.keys(written)).toEqual(['0', '1', '2']);
    expect(written['0'].prediction).toBe('A');
    const again = await runLawBench({
      generator: {
        generate: async () => {
          throw new Error('must not be called');
        },
      },
      dataDir,
      outputDir,
      tasks: ['1-2'],
      limit: 3,
    });
    expect(again.generated).toBe(0);
  });
});
