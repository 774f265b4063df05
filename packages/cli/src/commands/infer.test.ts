import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { beforeAll, expect, it } from 'vitest';
import { parseCommandArgs, UsageError } from '../command.js';
import { inferCommand } from './infer.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

// async: a usage error from parsing rejects, as one from the command does
const run = async (argv: string[], io: ReturnType<typeof capture>['io']) =>
  inferCommand.run(parseCommandArgs(inferCommand, argv), io);

describeWithShared('lawgpt infer', ['fixtures/tokenizers/llama2/tokenizer.model'], () => {
  const dir = mkdtempSync(join(tmpdir(), 'lawgpt-infer-'));
  const modelDir = join(dir, 'model');
  let tokenizer: string;
  beforeAll(async () => {
    tokenizer = sharedPath('fixtures/tokenizers/llama2/tokenizer.model');
    const config = createLlamaConfig({
      vocabSize: 32000,
      hiddenSize: 16,
      intermediateSize: 32,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
    });
    const model = await createRandomModel(config, { seed: 9, std: 0.3 });
    await model.save(modelDir);
    model.dispose();
  });

  it('streams a prompt to stdout and reports speed on stderr', async () => {
    const { io, out, err } = capture();
    const code = await run(
      ['--model', modelDir, '--tokenizer', tokenizer, '--prompt', '刑法第一条', '--max-new-tokens', '8'],
      io,
    );
    expect(code).toBe(0);
    expect(out.length).toBeGreaterThan(2);
    expect(out.at(-1)).toBe('\n');
    expect(err.join('')).toMatch(/8 tokens in .* tokens\/s\), finish: length/);
    // a load under a second prints no progress (nor any line per tenth)
    expect(err.join('')).not.toMatch(/loading|loaded/);
  });

  it('decodes greedily with an f16 KV cache to the same text as f32, and refuses another cache type', async () => {
    const greedy = async (kv: string) => {
      const { io, out } = capture();
      const argv = ['--model', modelDir, '--tokenizer', tokenizer, '--prompt', '刑法第一条', '-n', '12'];
      expect(await run([...argv, '--temperature', '0', '--kv-dtype', kv], io)).toBe(0);
      return out.join('');
    };
    expect(await greedy('f16')).toBe(await greedy('f32'));
    const { io } = capture();
    await expect(run(['--model', modelDir, '--prompt', 'x', '--kv-dtype', 'q8_0'], io)).rejects.toThrow(
      /--kv-dtype must be one of f32, f16, got 'q8_0'/,
    );
  });

  it('writes a batch atomically and resumes after an interruption', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(
      input,
      ['{"id":"a","prompt":"甲"}', '{"prompt":"乙"}', '', '{"id":"c","prompt":"丙"}'].join('\n'),
    );
    const batchArgs = [
      '--model',
      modelDir,
      '--tokenizer',
      tokenizer,
      '--input',
      input,
      '--output',
      output,
      '--max-new-tokens',
      '4',
    ];
    const first = capture();
    expect(await run(batchArgs, first.io)).toBe(0);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id)).toEqual(['a', '2', 'c']);
    expect(lines.every((line) => line.tokens === 4 && line.finish_reason === 'length')).toBe(true);
    expect(existsSync(`${output}.partial`)).toBe(false);

    // interrupted run: a partial file with one record and a torn line
    writeFileSync(`${output}.partial`, `${JSON.stringify(lines[0])}\n{"id":"2","pro`);
    const second = capture();
    expect(await run(batchArgs, second.io)).toBe(0);
    expect(second.err.join('')).toContain('3 prompts, 1 already done, 2 to generate');
    const resumed = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(resumed).toEqual(lines);
  });

  it('rejects bad usage and malformed input naming the line', async () => {
    const { io } = capture();
    await expect(run(['--model', modelDir, '--tokenizer', tokenizer], io)).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--model', modelDir, '--prompt', 'x', '--top-k', '1.5'], io)).rejects.toThrow(
      /--top-k must be an integer/,
    );
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"prompt":"ok"}\n{"text":1}\n');
    await expect(
      run(
        ['--model', modelDir, '--tokenizer', tokenizer, '--input', bad, '--output', join(dir, 'x.jsonl')],
        io,
      ),
    ).rejects.toThrow(/bad.jsonl:2: field "prompt"/);
  });
});

it('checks --input and --batch-size before loading the model: a bad one fails at once, naming the file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lawgpt-infer-input-'));
  const missingModel = join(dir, 'no-such-model');
  /** A batch run against a model folder that does not exist: what it throws, and what it wrote to stderr. */
  const batch = async (input: string, ...more: string[]) => {
    const { io, err } = capture();
    const argv = ['--model', missingModel, '--input', input, '--output', join(dir, 'out.jsonl'), ...more];
    const error = await run(argv, io).then(
      () => new Error('no error'),
      (thrown: Error) => thrown,
    );
    return { error, stderr: err.join('') };
  };
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"prompt":"ok"}\n{"text":1}\n');
  const malformed = await batch(bad);
  expect(malformed.error).toBeInstanceOf(UsageError);
  expect(malformed.error.message).toMatch(/bad\.jsonl:2: field "prompt" must be a string/);
  expect(malformed.stderr).toBe('');
  const absent = await batch(join(dir, 'absent.jsonl'));
  expect(absent.error).toBeInstanceOf(UsageError);
  expect(absent.error.message).toContain('absent.jsonl');
  expect((await batch(bad, '--batch-size', '0')).error.message).toMatch(
    /--batch-size must be a positive integer/,
  );
  // with a good --input the same command goes on to the model, and fails there
  const good = join(dir, 'good.jsonl');
  writeFileSync(good, '{"prompt":"ok"}\n');
  const loading = await batch(good);
  expect(loading.error).not.toBeInstanceOf(UsageError);
  expect(loading.error.message).toContain('no-such-model');
});
