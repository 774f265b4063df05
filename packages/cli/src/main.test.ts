import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('lawgpt main', () => {
  it('lists every registered command in --help', async () => {
    const { io, out } = capture();
    expect(await main(['--help'], io)).toBe(0);
    for (const command of commands) expect(out.join('')).toContain(command.name);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const { io, err } = capture();
    expect(await main(['no-such-command'], io)).toBe(2);
    expect(err.join('')).toContain("unknown command 'no-such-command'");
  });

  it('gives every command a --help that names its usage', async () => {
    for (const command of commands) {
      const { io, out } = capture();
      expect(await main([command.name, '--help'], io)).toBe(0);
      expect(out.join('')).toContain(`Usage: ${command.usage}`);
    }
  });

  it('reports an unknown option as a usage error', async () => {
    const { io, err } = capture();
    expect(await main(['version', '--bogus'], io)).toBe(2);
    expect(err.join('')).toContain('--bogus');
  });
});

describe('parseCommandArgs', () => {
  it('accepts options without short names or defaults', async () => {
    const { parseCommandArgs } = await import('./command.js');
    const command = {
      name: 'x',
      summary: '',
      usage: 'x',
      options: {
        model: { type: 'string' as const, description: 'm' },
        fast: { type: 'boolean' as const, description: 'f', short: 'f' },
      },
      run: async () => 0,
    };
    expect(parseCommandArgs(command, ['--model', 'dir', '-f']).values).toEqual({ model: 'dir', fast: true });
  });
});
