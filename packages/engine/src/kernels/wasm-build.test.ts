import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWithCommands } from '@lawgpt/test-helpers';
import { expect, it } from 'vitest';
import { matmulMultiThreadWasm, matmulSingleThreadWasm } from './internal/matmul-wasm.js';
import { webAssembly } from './internal/webassembly.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const committed = (name: string) => readFileSync(join(packageDir, 'csrc', 'build', name));
const BUILT_WITH = 'Debian clang version 14.';

it('embeds exactly the committed .wasm files', () => {
  expect(Buffer.from(matmulSingleThreadWasm, 'base64').equals(committed('matmul-st.wasm'))).toBe(true);
  expect(Buffer.from(matmulMultiThreadWasm, 'base64').equals(committed('matmul-mt.wasm'))).toBe(true);
});

it('keeps the modules free of C stack and static data (they run on foreign and shared memories)', () => {
  for (const name of ['matmul-st.wasm', 'matmul-mt.wasm']) {
    const module = new webAssembly.Module(committed(name));
    expect(webAssembly.Module.exports(module).map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['run_job', 'scratch_floats']),
    );
    expect(webAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    // No data section (id 11) in the binary: walk the sections.
    const bytes = committed(name);
    const sections: number[] = [];
    for (let offset = 8; offset < bytes.length; ) {
      sections.push(bytes[offset]!);
      let size = 0;
      let shift = 0;
      let byte: number;
      offset++;
      do {
        byte = bytes[offset++]!;
        size |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte & 0x80);
      offset += size;
    }
    expect(sections).not.toContain(11);
  }
});

describeWithCommands(
  'scripts/build-wasm.sh reproduces the committed .wasm',
  [
    { command: 'clang', package: 'clang' },
    { command: 'wasm-ld', package: 'lld' },
  ],
  () => {
    const version = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
    const matching = version.startsWith(BUILT_WITH);
    if (!matching) console.log(`[skip] byte comparison needs ${BUILT_WITH}x, found "${version}"`);
    it.skipIf(!matching)('rebuilds byte-identical modules', () => {
      const out = mkdtempSync(join(tmpdir(), 'lawgpt-wasm-'));
      try {
        execFileSync('sh', [join(packageDir, 'scripts', 'build-wasm.sh'), out], { stdio: 'pipe' });
        for (const name of ['matmul-st.wasm', 'matmul-mt.wasm']) {
          expect(readFileSync(join(out, name)).equals(committed(name)), name).toBe(true);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  },
);
