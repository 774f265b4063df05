import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { afterAll, describe, expect, it } from 'vitest';
import {
  discPrompt,
  extractChoice,
  readDiscQuestions,
  renderDiscMarkdown,
  runDiscLawEval,
} from './disc-law-eval.js';
import { chunkText, perplexity } from './perplexity.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('DISC-Law-Eval multiple choice', () => {
  it('parses quoted multi-line CSV, prompts, extracts letters and scores per source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'disc-'));
    dirs.push(dir);
    await mkdir(join(dir, 'objective'));
    await writeFile(
      join(dir, 'objective', 'mcq_sing_x.csv'),
      'input,output,A,B,C,D,source,multichoice\n"问题一，\n""引号""",B,甲,乙,丙,丁,exam1,False\n"问题二",C,甲,乙,丙,丁,exam1,False\n',
    );
    await writeFile(
      join(dir, 'objective', 'mcq_mult_x.csv'),
      'input,output,A,B,C,D,source,multichoice\n问题三,ABD,甲,乙,丙,丁,exam2,True\n',
    );
    const [first] = await readDiscQuestions(join(dir, 'objective', 'mcq_sing_x.csv'));
    expect(first.question).toBe('问题一，\n"引号"');
    expect(discPrompt(first)).toContain('单项选择题');
    expect(discPrompt(first)).toMatch(/A\.甲\nB\.乙\nC\.丙\nD\.丁\n答案：$/);
    expect(extractChoice('B。因为……A不对', false)).toBe('B');
    expect(extractChoice('D、A、B\n解析：C', true)).toBe('ABD');
    const answers: Record<string, string> = { 问题一: 'B', 问题二: 'A', 问题三: 'A、B、D' };
    const results = await runDiscLawEval({
      dataDir: dir,
      generator: {
        generate: async (prompt) => Object.entries(answers).find(([q]) => prompt.includes(q))![1],
      },
    });
    expect(results.bySource.exam1).toEqual({ correct: 1, n: 2, accuracy: 0.5 });
    expect(results.bySource.exam2).toEqual({ correct: 1, n: 1, accuracy: 1 });
    expect(results.single.accuracy).toBe(0.5);
    expect(results.multi.accuracy).toBe(1);
    expect(renderDiscMarkdown(results, 'm')).toContain('| exam1 | 50.00 | 1/2 |');
  });
});

describeWithShared('DISC-Law-Eval data files', ['data/disc-law-eval/objective'], () => {
  it('reads every objective file (2,563 questions) with four options and letter answers', async () => {
    const { readdir } = await import('node:fs/promises');
    const folder = sharedPath('data/disc-law-eval/objective');
    let total = 0;
    for (const file of await readdir(folder)) {
      const questions = await readDiscQuestions(join(folder, file));
      total += questions.length;
      for (const q of questions) expect(q.answer).toMatch(q.multi ? /^[A-D]+$/ : /^[A-D]$/);
    }
    expect(total).toBe(2563);
  });
});

describe('perplexity', () => {
  it('is exp of the mean negative log-probability over all chunks', async () => {
    const scorer = { logProbs: async (text: string) => Array.from(text, () => Math.log(0.25)) };
    const result = await perplexity({ scorer, text: 'abcd\nefgh\n', chunkChars: 5 });
    expect(result.tokens).toBe(10);
    expect(result.chunks).toBe(2);
    expect(result.perplexity).toBeCloseTo(4, 12);
    expect(chunkText('x'.repeat(12), 5)).toEqual(['xxxxx', 'xxxxx', 'xx']);
  });
});
