import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWithCommands } from '@lawgpt/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native');
const temporary: string[] = [];

/** A copy of native/ sources in a temp dir, so the tests never touch the real build. */
function copyOfNative(): string {
  const directory = mkdtempSync(join(tmpdir(), 'lawgpt-native-'));
  temporary.push(directory);
  for (const file of readdirSync(nativeDir)) {
    if (/\.(cc|h|gyp|cjs)$/.test(file)) copyFileSync(join(nativeDir, file), join(directory, file));
  }
  return directory;
}

function install(directory: string, env: Record<string, string>): string {
  return execFileSync(process.execPath, [join(directory, 'build-native.cjs'), directory], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
}

afterEach(() => {
  for (const directory of temporary.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('native/build-native.cjs', () => {
  it('exits 0 and says why when the compiler is missing', () => {
    const directory = copyOfNative();
    const output = install(directory, { CXX: '/bin/false', CC: '/bin/false' });
    expect(output).toMatch(/native matMul addon not built.*the wasm engine will be used/);
    expect(existsSync(join(directory, 'build', 'Release', 'lawgpt_matmul.node'))).toBe(false);
  });

  it('honours LAWGPT_SKIP_NATIVE=1', () => {
    expect(install(copyOfNative(), { LAWGPT_SKIP_NATIVE: '1' })).toMatch(/LAWGPT_SKIP_NATIVE=1/);
  });
});

describeWithCommands(
  'native/build-native.cjs with a compiler',
  [
    { command: 'c++', package: 'g++' },
    { command: 'make', package: 'make' },
  ],
  () => {
    it('builds a loadable addon that reports its micro-kernel family', () => {
      const directory = copyOfNative();
      expect(install(directory, {})).toMatch(/native matMul addon built/);
      const addon = createRequire(import.meta.url)(join(directory, 'build', 'Release', 'lawgpt_matmul.node'));
      expect(['avx512', 'avx2', 'generic']).toContain(addon.isa());
      const c = new Float32Array(1);
      addon.matmul(
        new Float32Array([1, 2]),
        new Float32Array([3, 4]),
        c,
        new Int32Array(1),
        new Int32Array(1),
        1,
        1,
        2,
        false,
        false,
        1,
      );
      expect(c[0]).toBe(11);
    });
  },
);
