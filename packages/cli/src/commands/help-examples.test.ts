import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeWithShared, repoRoot } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { formatCommandHelp, parseCommandArgs } from '../command.js';
import { commands } from './index.js';

/** Each `lawgpt NAME …` example of a command's --help, continuation lines joined, as argv after NAME. */
function examples(name: string): string[][] {
  const command = commands.find((candidate) => candidate.name === name)!;
  const help = formatCommandHelp(command);
  const joined = help.slice(help.indexOf('\nExample')).replace(/\s*\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.replace(/^\s+(?:[A-Z_]+=(?:\$\([^)]*\)|\S+)\s+)?/, '').replace(/\s+#.*$/, ''))
    .filter((line) => line.startsWith(`lawgpt ${name} `))
    .map((line) => words(line).slice(2));
}

/** Shell words: whitespace-separated, '…' and "…" quoted. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

const named = ['tokenizer', 'merge', 'infer', 'eval', 'serve'];

describe('help examples', () => {
  it.each(named)('%s: every example parses with the options the command has', (name) => {
    const command = commands.find((candidate) => candidate.name === name)!;
    const argvs = examples(name);
    // every example line that runs the command was read (none lost to the extraction)
    const help = formatCommandHelp(command);
    const lines = help.slice(help.indexOf('\nExample')).match(new RegExp(`lawgpt ${name} `, 'g'));
    expect(argvs.length).toBe(lines?.length);
    expect(argvs.length).toBeGreaterThan(0);
    for (const argv of argvs) expect(() => parseCommandArgs(command, argv), argv.join(' ')).not.toThrow();
  });
});

describeWithShared('help examples use ../shared paths that exist', [], () => {
  it.each(named)('%s', (name) => {
    const paths = examples(name)
      .flat()
      .filter((word) => word.startsWith('../shared/'));
    for (const path of paths) expect(existsSync(resolve(repoRoot, path)), path).toBe(true);
  });
});
