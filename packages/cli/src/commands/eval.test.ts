import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCommandHelp, parseCommandArgs, UsageError } from '../command.js';
import { evalCommand } from './eval.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-eval-'));
  await mkdir(join(dir, 'scorer-data'));
  await mkdir(join(dir, 'preds'));
  await writeFile(join(dir, 'scorer-data', 'labels.json'), JSON.stringify({ labels: {} }));
  const items = Object.fromEntries(
    ['A', 'B', 'C', 'D'].map((letter, index) => [
      String(index),
      {
        origin_prompt: [{ role: 'HUMAN', prompt: 'q' }],
        prediction: index < 3 ? `选${letter}` : '不知道',
        refr: `正确答案：${letter}。`,
      },
    ]),
  );
  await writeFile(join(dir, 'preds', '1-2.json'), JSON.stringify(items));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('lawgpt eval', () => {
  it('lawbench --json prints per-task score, abstention and n', async () => {
    const { io, out, err } = capture();
    const argv = ['lawbench', '--predictions', join(dir, 'preds'), '--data', dir, '--json'];
    expect(await evalCommand.run(parseCommandArgs(evalCommand, argv), io)).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(json.tasks['1-2']).toEqual({ task: '1-2', score: 0.75, abstentionRate: 0.25, n: 4 });
    expect(err.join('')).toContain('scored 1 tasks');
  });

  it('lawbench prints a table by default and report writes html', async () => {
    const { io, out } = capture();
    await evalCommand.run(
      parseCommandArgs(evalCommand, ['lawbench', '--predictions', join(dir, 'preds'), '--data', dir]),
      io,
    );
    expect(out.join('')).toMatch(/1-2\s+75.00\s+25.00/);
    const html = join(dir, 'r.html');
    await evalCommand.run(
      parseCommandArgs(evalCommand, [
        'report',
        '--predictions',
        join(dir, 'preds'),
        '--data',
        dir,
        '--format',
        'html',
        '--out',
        html,
      ]),
      capture().io,
    );
    expect(await readFile(html, 'utf8')).toContain('<svg');
  });

  it('run asks an OpenAI-compatible endpoint, writes predictions and prints scores', async () => {
    await mkdir(join(dir, 'zero_shot'), { recursive: true });
    const items = ['A', 'B'].map((letter, index) => ({
      instruction: '选择',
      question: `题${index}`,
      answer: `正确答案：${letter}。`,
    }));
    await writeFile(join(dir, 'zero_shot', '1-2.json'), JSON.stringify(items));
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const prompt = JSON.parse(body).messages.at(-1).content as string;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ choices: [{ message: { content: prompt.endsWith('题0') ? 'A' : 'C' } }] }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const { io, out, err } = capture();
      const argv = [
        'run',
        '--base-url',
        `http://127.0.0.1:${port}/v1`,
        '--model',
        'm',
        '--data',
        dir,
        '--out',
        join(dir, 'run'),
        '--tasks',
        '1-2',
        '--json',
      ];
      expect(await evalCommand.run(parseCommandArgs(evalCommand, argv), io)).toBe(0);
      expect(JSON.parse(out.join('')).tasks['1-2'].score).toBe(0.5);
      expect(err.join('')).toContain('generated 2 predictions');
      expect(JSON.parse(await readFile(join(dir, 'run', '1-2.json'), 'utf8'))['1'].prediction).toBe('C');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('run and perplexity use a local model folder with --model', async () => {
    const tokenizer = createCharacterTokenizer({ texts: ['选择题正确答案是甲乙丙丁'] });
    const config = createLlamaConfig({
      vocabSize: tokenizer.vocabSize,
      hiddenSize: 16,
      intermediateSize: 32,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
    });
    const model = await createRandomModel(config, { seed: 9, std: 0.002 });
    await model.save(join(dir, 'local'));
    await tokenizer.save(join(dir, 'local'));
    model.dispose();
    const { io, out } = capture();
    const argv = [
      'run',
      '--model',
      join(dir, 'local'),
      '--data',
      dir,
      '--out',
      join(dir, 'run-local'),
      '--tasks',
      '1-2',
      '--json',
    ];
    expect(await evalCommand.run(parseCommandArgs(evalCommand, argv), io)).toBe(0);
    expect(JSON.parse(out.join('')).tasks['1-2'].n).toBe(2);
    expect(Object.keys(JSON.parse(await readFile(join(dir, 'run-local', '1-2.json'), 'utf8')))).toEqual([
      '0',
      '1',
    ]);
    // A near-uniform random model: perplexity close to the vocabulary size.
    await writeFile(join(dir, 'held-out.txt'), '正确答案是甲。\n选择题。\n');
    const perplexity = capture();
    const pplArgs = [
      'perplexity',
      '--model',
      join(dir, 'local'),
      '--text',
      join(dir, 'held-out.txt'),
      '--json',
    ];
    expect(await evalCommand.run(parseCommandArgs(evalCommand, pplArgs), perplexity.io)).toBe(0);
    const result = JSON.parse(perplexity.out.join(''));
    expect(result.model).toBe('local');
    expect(result.tokens).toBeGreaterThan(5);
    expect(result.perplexity).toBeGreaterThan(tokenizer.vocabSize * 0.8);
    expect(result.perplexity).toBeLessThan(tokenizer.vocabSize * 1.25);
  });

  it('rejects a missing subcommand or option as a usage error', async () => {
    await expect(evalCommand.run(parseCommandArgs(evalCommand, []), capture().io)).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(evalCommand.run(parseCommandArgs(evalCommand, ['lawbench']), capture().io)).rejects.toThrow(
      /--predictions/,
    );
  });

  it('report: column named after the predictions folder by default, averages over common tasks, --all-tasks', async () => {
    const published = ['task,model_name,score,abstention_rate', '1-2,REF,0.5,0', '1-1,REF,0.25,0'].join('\n');
    await mkdir(join(dir, 'predictions'), { recursive: true });
    await writeFile(join(dir, 'predictions', 'results_zero_shot.csv'), `${published}\n`);
    const report = async (...extra: string[]) => {
      const { io, out } = capture();
      const argv = [
        'report',
        '--predictions',
        `${join(dir, 'preds')}/`,
        '--data',
        dir,
        '--compare',
        'REF',
        ...extra,
      ];
      expect(await evalCommand.run(parseCommandArgs(evalCommand, argv), io)).toBe(0);
      return out.join('');
    };
    const markdown = await report();
    expect(markdown).toContain('| task | preds (1 task) | abstention | REF (2 tasks) |');
    expect(markdown).toContain('| average (1 task) | 75.00 | 25.00 | 50.00 |');
    expect(markdown).toContain('Left out of the averages: 1-1 (none for preds)');
    expect(markdown).not.toContain('over all own tasks');
    const all = await report('--all-tasks', '--name', 'mine');
    expect(all).toContain('| task | mine (1 task) | abstention | REF (2 tasks) |');
    expect(all).toContain('| average over all own tasks | 75.00 (1) | 25.00 | 37.50 (2) |');
    const csv = await report('--format', 'csv');
    expect(csv).toBe(
      [
        'task,model_name,score,abstention_rate',
        '1-2,preds,0.75,0.25',
        'memorization average [1-2],preds,0.75,0.25',
        'average [1-2],preds,0.75,0.25',
        '1-1,REF,0.25,0',
        '1-2,REF,0.5,0',
        'memorization average [1-2],REF,0.5,0',
        'average [1-2],REF,0.5,0',
        '',
      ].join('\n'),
    );
  });

  it('help: --model is the model, --name the report name, and the examples use them', () => {
    const help = formatCommandHelp(evalCommand);
    expect(help).toMatch(/--model DIR\|NAME\s+run\/disc\/perplexity: the model, a local HF folder/);
    expect(help).toMatch(
      /--name NAME\s+the model's name in the report \(default: the --predictions folder's name/,
    );
    expect(help).toContain('--all-tasks');
    expect(help).toContain('lawgpt eval report --predictions DIR [--name NAME]');
    const examples = help.split('\n').filter((line) => line.startsWith('  lawgpt eval'));
    expect(examples.length).toBeGreaterThan(5);
    for (const line of examples) expect(line).not.toMatch(/--model-dir|--output/);
  });

  it('lawbench on a folder without predictions fails naming it (exit 1), not NaN', async () => {
    await mkdir(join(dir, 'nothing'), { recursive: true });
    const argv = ['lawbench', '--predictions', join(dir, 'nothing'), '--data', dir];
    await expect(evalCommand.run(parseCommandArgs(evalCommand, argv), capture().io)).rejects.toThrow(
      `${join(dir, 'nothing')}: holds no prediction file`,
    );
  });
});
