import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';

const bin = fileURLToPath(new URL('../bin/lawgpt.js', import.meta.url));

// The published entry point: bin/lawgpt.js → dist/index.js, as `npx lawgpt` runs it (built by nx before
// this test). Catches bundling mistakes that tests of the sources cannot see.
describe('the built lawgpt binary', () => {
  it('lists every command and prints each command help', () => {
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    for (const command of commands) expect(help).toContain(`  ${command.name}`);
    for (const command of commands) {
      const text = execFileSync(process.execPath, [bin, command.name, '--help'], { encoding: 'utf8' });
      expect(text).toContain(`Usage: ${command.usage}`);
    }
  });

  it('exits with 2 and names an unknown command', () => {
    try {
      execFileSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8', stdio: 'pipe' });
      expect.unreachable('should have failed');
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      expect(failure.status).toBe(2);
      expect(failure.stderr).toContain("unknown command 'frobnicate'");
    }
  });
});
