import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '@lawgpt/test-helpers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenizerDependencyError, TokenizerError, TokenizerFileError } from './errors.js';
import { bpeModel, variant } from './internal/tokenizer-json-variants.js';
import { importTokenizers } from './internal/tokenizers-binding.js';
import { JsonTokenizer } from './json-tokenizer.js';

const text = variant('bpe', () => {});

function notFound(): Error {
  return Object.assign(new Error("Cannot find package 'tokenizers' imported from json-tokenizer.js"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('the tokenizers binding is an optional peer dependency', () => {
  afterEach(() => {
    vi.doUnmock('tokenizers');
    vi.resetModules();
  });

  it('a missing package is a TokenizerDependencyError that says to npm i tokenizers', async () => {
    const failing = importTokenizers({ importer: () => Promise.reject(notFound()) });
    await expect(failing).rejects.toThrow(TokenizerDependencyError);
    const error = (await failing.catch((caught) => caught)) as TokenizerDependencyError;
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error.dependency).toBe('tokenizers');
    expect(error.message).toMatch(/`tokenizers` .* is not installed: run `npm i tokenizers`/);
  });

  it('a binary that does not load is reported with its reason', async () => {
    const broken = () => Promise.reject(new Error('Cannot find native binding.\nnpm has a bug...'));
    await expect(importTokenizers({ importer: broken })).rejects.toThrow(
      /did not load \(Cannot find native binding\.\): run `npm i tokenizers`/,
    );
  });

  it('without the package, loading and encode work and encodeWithBackend says what to install', async () => {
    vi.doMock('tokenizers', () => {
      throw notFound();
    });
    vi.resetModules();
    const fresh = await import('./json-tokenizer.js');
    const errors = await import('./errors.js');
    const json = fresh.JsonTokenizer.fromString(text, 'x.json');
    expect(json.encode('ab abc')).toEqual(bpeModel.encode('ab abc'));
    await expect(json.encodeWithBackend('ab')).rejects.toThrow(errors.TokenizerDependencyError);
    await expect(json.loadBackend()).rejects.toThrow(/npm i tokenizers/);
  });

  it('with the package, loadBackend parses the file once and encodeWithBackend encodes', async () => {
    const json = JsonTokenizer.fromString(text);
    const backend = await json.loadBackend();
    expect(await json.loadBackend()).toBe(backend);
    expect(await json.encodeWithBackend('ab abc', { addBos: true })).toEqual(
      bpeModel.encode('ab abc', { addBos: true }),
    );
    expect(await backend.decode(bpeModel.encode('ab abc'), true)).toBe('ab abc');
  });

  it('a file the binding rejects is a TokenizerFileError from loadBackend', async () => {
    const valid = JsonTokenizer.fromString(text);
    const json = new JsonTokenizer({ proto: valid.proto, path: 'x.json', jsonText: '{"model": 1}' });
    await expect(json.loadBackend()).rejects.toThrow(TokenizerFileError);
    await expect(json.loadBackend()).rejects.toThrow(/x\.json: rejected by the tokenizers library/);
  });
});

/** Non-test TypeScript/JavaScript files under each package's src. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name) && !/\.test\./.test(entry.name),
    )
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('no package imports tokenizers outside tests', () => {
  it('only internal/tokenizers-binding.ts imports it, dynamically', () => {
    const packages = join(repoRoot, 'packages');
    const hits = readdirSync(packages).flatMap((name) => {
      const src = join(packages, name, 'src');
      let files: string[];
      try {
        files = sourceFiles(src);
      } catch {
        return [];
      }
      return files.flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/(from|import\(|require\()\s*['"]tokenizers['"]/g)].map(
          (match) => `${relative(packages, file)}: ${match[0]}`,
        ),
      );
    });
    expect(hits).toEqual(["tokenizer-legal/src/internal/tokenizers-binding.ts: import('tokenizers'"]);
  });

  it('package.json: an optional peer and a devDependency, not a dependency', () => {
    const manifest = JSON.parse(
      readFileSync(join(repoRoot, 'packages/tokenizer-legal/package.json'), 'utf8'),
    );
    expect(manifest.dependencies.tokenizers).toBeUndefined();
    expect(manifest.peerDependencies.tokenizers).toBeDefined();
    expect(manifest.peerDependenciesMeta.tokenizers.optional).toBe(true);
    expect(manifest.devDependencies.tokenizers).toBeDefined();
  });
});
