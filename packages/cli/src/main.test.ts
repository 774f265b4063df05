import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';
import { main } from './main.js';
import { DEFAULT_SEED } from './seed.js';

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

  it('prints the versions for --version and -V, as lawgpt version does', async () => {
    const expected = capture();
    expect(await main(['version'], expected.io)).toBe(0);
    expect(expected.out.join('')).toMatch(/^@lawgpt\/cli \d+\.\d+\.\d+\n/);
    for (const flag of ['--version', '-V']) {
      const { io, out, err } = capture();
      expect(await main([flag], io)).toBe(0);
      expect(out.join('')).toBe(expected.out.join(''));
      expect(err).toEqual([]);
    }
    const help = capture();
    await main(['--help'], help.io);
    expect(help.out.join('')).toMatch(/-V, --version/);
  });

  it('gives each short flag one long name across all commands', () => {
    const meanings = new Map<string, Set<string>>([['h', new Set(['help'])]]);
    for (const command of commands)
      for (const [name, option] of Object.entries(command.options)) {
        if (option.short === undefined) continue;
        meanings.set(option.short, (meanings.get(option.short) ?? new Set()).add(name));
      }
    const clashes = [...meanings]
      .filter(([, names]) => names.size > 1)
      .map(([short, names]) => `-${short}: ${[...names]}`);
    expect(clashes).toEqual([]);
    expect(meanings.get('p')).toEqual(new Set(['prompt']));
  });

  it('gives every --seed the same default, DEFAULT_SEED', () => {
    const seeded = commands.filter((command) => command.options.seed !== undefined);
    expect(seeded.map((command) => command.name)).toEqual(
      expect.arrayContaining(['data', 'demo', 'infer', 'sft']),
    );
    for (const command of seeded)
      expect(command.options.seed?.default, command.name).toBe(String(DEFAULT_SEED));
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
