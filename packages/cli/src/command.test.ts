import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Command, formatCommandHelp, parseCommandArgs, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { main } from './main.js';

const command: Command = {
  name: 'x',
  summary: 'A test command',
  usage: 'x [--kind KIND] [--type T]',
  options: {
    kind: { type: 'string', valueName: 'KIND', choices: ['alpha', 'beta'], description: 'The kind' },
    type: { type: 'string', choices: ['F32', 'Q8_0'], default: 'F32', description: 'The type' },
    tag: { type: 'string', multiple: true, choices: ['a', 'b'], description: 'Tags' },
    name: { type: 'string', description: 'Free text' },
  },
  run: async () => 0,
};

describe('choices', () => {
  it('rejects a value outside the choices as a usage error naming the option, the choices and the value', () => {
    expect(() => parseCommandArgs(command, ['--kind', 'gamma'])).toThrow(UsageError);
    expect(() => parseCommandArgs(command, ['--kind', 'gamma'])).toThrow(
      "--kind must be one of alpha, beta, got 'gamma'",
    );
    expect(() => parseCommandArgs(command, ['--tag', 'a', '--tag', 'c'])).toThrow(
      "--tag must be one of a, b, got 'c'",
    );
  });

  it('passes a choice spelled in any case as the listed spelling; defaults and free options are kept', () => {
    expect(
      parseCommandArgs(command, ['--type', 'q8_0', '--kind', 'BETA', '--name', 'Anything']).values,
    ).toEqual({
      type: 'Q8_0',
      kind: 'beta',
      name: 'Anything',
    });
    expect(parseCommandArgs(command, ['--tag', 'A', '--tag', 'b']).values).toEqual({
      type: 'F32',
      tag: ['a', 'b'],
    });
  });

  it('shows the choices in --help: as the placeholder without a valueName, else after the description', () => {
    const help = formatCommandHelp(command);
    expect(help).toMatch(/--kind KIND\s+The kind; one of: alpha \| beta\n/);
    expect(help).toMatch(/--type F32\|Q8_0\s+The type \(default: F32\)\n/);
    expect(help).toMatch(/--name VALUE\s+Free text\n/);
  });
});

describe('lawgpt with a value outside the choices', () => {
  // nothing is at `missing`: a command that got as far as loading would fail with 1 and another message
  const missing = join(mkdtempSync(join(tmpdir(), 'lawgpt-choices-')), 'missing');
  const cases: Array<[string[], string]> = [
    [
      ['infer', '--model', missing, '--prompt', 'x', '--backend', 'nope'],
      "--backend must be one of tensorflow, gpu, webgpu, wasm, cpu, got 'nope'",
    ],
    [
      ['merge', '--model', missing, '--gguf', join(missing, 'x.gguf'), '--dtype', 'f64'],
      "--dtype must be one of F32, F16, BF16, got 'f64'",
    ],
    [
      ['serve', '--model', missing, '--dtype', 'q5'],
      "--dtype must be one of auto, f32, bf16, f16, q8_0, q4_0, got 'q5'",
    ],
    [
      ['sft', '--model', missing, '--data', missing, '--output', missing, '--schedule', 'step'],
      "--schedule must be one of linear, cosine, constant, got 'step'",
    ],
  ];
  it.each(cases)('%j exits 2 with the usage error before loading anything', async (argv, message) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
    expect(code).toBe(2);
    expect(err.join('')).toBe(`lawgpt ${argv[0]}: ${message}\nUsage: ${usageOf(argv[0]!)}\n`);
    expect(out).toEqual([]);
  });
});

function usageOf(name: string): string {
  return commands.find((candidate) => candidate.name === name)!.usage;
}
