/**
 * Vitest global setup shared by every package: the run gets its own temporary folder, set as TMPDIR before the
 * test workers start, so every `mkdtemp(join(tmpdir(), ...))` of a test (and of the programs it spawns) lands
 * inside it; teardown removes it whole. Tests still clean up after themselves where they can, but a failed or
 * interrupted test no longer leaves model folders behind in the system's /tmp. Set LAWGPT_KEEP_TEST_TMP=1 to keep
 * the folder (its path is printed), e.g. to look at the browser tests' screenshots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;
let previous: string | undefined;

export function setup(): void {
  previous = process.env.TMPDIR;
  root = mkdtempSync(join(tmpdir(), 'lawgpt-test-'));
  process.env.TMPDIR = root;
}

export function teardown(): void {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  if (!root) return;
  if (process.env.LAWGPT_KEEP_TEST_TMP === '1') console.log(`test temporary files kept in ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
