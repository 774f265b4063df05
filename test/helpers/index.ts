/**
 * Test-only helpers: find the read-only `../shared` folder (fixtures and data sets that CI always has)
 * and skip a conformance suite with a printed reason where it, or a system command, is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: the nearest folder above this file that holds `nx.json`. */
export const repoRoot: string = findUp(here, 'nx.json') ?? resolve(here, '../..');

/** Absolute path of `../shared` (or `$LAWGPT_SHARED`), or `undefined` where it is absent. */
export const sharedDir: string | undefined = locateShared();

function findUp(start: string, marker: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function locateShared(): string | undefined {
  const candidate = process.env.LAWGPT_SHARED ?? resolve(repoRoot, '..', 'shared');
  return existsSync(join(candidate, 'README.md')) ? candidate : undefined;
}

/** Path inside `../shared`; throws when it is absent (call it inside a `describeWithShared` body). */
export function sharedPath(...parts: string[]): string {
  if (!sharedDir) throw new Error('../shared is not available');
  return join(sharedDir, ...parts);
}

/** A skipped suite that still shows up in the results, without running `body` (which may need what is missing). */
function skippedSuite(name: string, reason: string): void {
  describe.skip(name, () => {
    it(`needs ${reason}`, () => {});
  });
}

const announced = new Set<string>();
function announceSkip(name: string, reason: string): void {
  const line = `[skip] ${name}: ${reason}`;
  if (announced.has(line)) return;
  announced.add(line);
  console.warn(line);
}

/**
 * `describe` that runs only where `../shared` exists and every listed path under it exists too;
 * otherwise the suite is skipped and the reason is printed.
 */
export function describeWithShared(name: string, paths: string[], body: () => void): void {
  if (!sharedDir) {
    const reason = `../shared not found (looked at ${resolve(repoRoot, '..', 'shared')}; set LAWGPT_SHARED)`;
    announceSkip(name, reason);
    skippedSuite(name, reason);
    return;
  }
  const missing = paths.filter((path) => !existsSync(join(sharedDir!, path)));
  if (missing.length > 0) {
    announceSkip(name, `missing in ../shared: ${missing.join(', ')}`);
    skippedSuite(name, `../shared/${missing.join(', ')}`);
    return;
  }
  describe(name, body);
}

/** True when `command` is on PATH. */
export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` that runs only where each system command exists (e.g. `spm_train` from Debian's
 * `sentencepiece`); otherwise skipped with the reason and the package that provides it printed.
 */
export function describeWithCommands(
  name: string,
  commands: Array<{ command: string; package: string }>,
  body: () => void,
): void {
  const missing = commands.filter(({ command }) => !hasCommand(command));
  if (missing.length > 0) {
    const list = missing.map((entry) => `${entry.command} (apt-get install ${entry.package})`).join(', ');
    announceSkip(name, `missing system command ${list}`);
    skippedSuite(name, list);
    return;
  }
  describe(name, body);
}
