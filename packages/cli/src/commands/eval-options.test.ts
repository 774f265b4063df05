import { describe, expect, it } from 'vitest';
import { parseCommandArgs, UsageError } from '../command.js';
import { evalCommand } from './eval.js';
import { evalOptions } from './eval-options.js';

const options = (...argv: string[]) => evalOptions(parseCommandArgs(evalCommand, argv));
const data = ['--data', '/lawbench'];

describe('lawgpt eval options', () => {
  it('--model is a local folder, named after it by default; --out is the run folder', () => {
    const run = options('run', '--model', 'models/lawgpt-7b/', '--out', 'runs/a', ...data);
    expect(run.model).toMatchObject({ kind: 'local', dir: 'models/lawgpt-7b/' });
    expect(run.report).toMatchObject({ name: 'lawgpt-7b', file: undefined });
    expect(run.runDir).toBe('runs/a');
    expect(run.warnings).toEqual([]);
    expect(options('run', '--model', 'm', '--name', 'mine', '--out', 'r', ...data).report.name).toBe('mine');
  });

  it('with --base-url, --model is the served model name', () => {
    const run = options(
      'run',
      '--base-url',
      'http://127.0.0.1:8000/v1',
      '--model',
      'qwen',
      '--out',
      'r',
      ...data,
    );
    expect(run.model).toEqual({
      kind: 'served',
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'qwen',
      apiKey: process.env.OPENAI_API_KEY,
      retries: 2,
    });
    expect(run.report.name).toBe('qwen');
    const served = ['--base-url', 'http://h/v1', '--model', 'q', '--retries', '5', ...data];
    expect(options('disc', ...served).model).toMatchObject({ kind: 'served', retries: 5 });
  });

  it('lawbench/report: --name names the column, default the predictions folder; --out is the report file', () => {
    const report = options('report', '--predictions', 'preds/gpt/', '--out', 'r.md', ...data);
    expect(report.report).toMatchObject({ name: 'gpt', file: 'r.md', format: 'markdown' });
    expect(options('lawbench', '--predictions', 'p', '--name', 'x', ...data).report).toMatchObject({
      name: 'x',
      format: 'text',
    });
  });

  it('keeps the deprecated spellings working, one warning line each', () => {
    // the old run: --model-dir the folder, --model the report name, --output the run folder, --out the report file
    const run = options(
      'run',
      '--model-dir',
      'm',
      '--model',
      'shown',
      '--output',
      'r',
      '--out',
      'f.md',
      ...data,
    );
    expect(run.model).toMatchObject({ kind: 'local', dir: 'm' });
    expect(run.report).toMatchObject({ name: 'shown', file: 'f.md' });
    expect(run.runDir).toBe('r');
    expect(run.warnings).toHaveLength(2);
    expect(run.warnings.join('\n')).toMatch(/--model-dir DIR is deprecated; use --model DIR/);
    expect(run.warnings.join('\n')).toMatch(/--output is deprecated; use --out/);
    for (const warning of run.warnings) expect(warning).not.toContain('\n');
    const report = options('report', '--predictions', 'p', '--model', 'old-name', ...data);
    expect(report.report.name).toBe('old-name');
    expect(report.warnings).toEqual([expect.stringMatching(/use --name NAME/)]);
  });

  it('prints the warnings before running', async () => {
    const err: string[] = [];
    const io = { stdout: () => {}, stderr: (text: string) => err.push(text) };
    const argv = ['perplexity', '--model-dir', '/nonexistent-model', '--text', '/nonexistent.txt'];
    await expect(evalCommand.run(parseCommandArgs(evalCommand, argv), io)).rejects.toThrow();
    expect(err[0]).toBe(
      'warning: --model-dir DIR is deprecated; use --model DIR (and --name NAME for the report name)\n',
    );
  });

  it('rejects a missing model, a served perplexity and bad values before anything loads', () => {
    expect(() => options('run', '--out', 'r', ...data)).toThrow(
      /run needs --model DIR .*--base-url URL with --model NAME/,
    );
    expect(() => options('run', '--model', 'm', ...data)).toThrow(/run needs --out DIR/);
    expect(() => options('perplexity', '--base-url', 'http://x/v1', '--model', 'q', '--text', 't')).toThrow(
      /perplexity scores a local model/,
    );
    expect(() => options('run', '--model', 'm', '--out', 'r', '--shot', 'three', ...data)).toThrow(
      UsageError,
    );
    expect(() => options('run', '--model', 'm', '--out', 'r', '--limit', '-1', ...data)).toThrow(/--limit/);
    expect(() => options('lawbench', '--predictions', 'p', '--format', 'pdf', ...data)).toThrow(
      /--format pdf/,
    );
    expect(() => options('nope')).toThrow(/unknown eval subcommand 'nope'/);
  });
});
