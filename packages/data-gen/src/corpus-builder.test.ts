import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCorpus } from './corpus-builder.js';
import { DataGenParseError } from './errors.js';
import { createRandom } from './internal/random.js';
import { createMinHasher, estimateJaccard, MinHashIndex, shingleJaccard } from './minhash.js';

function randomChinese(length: number, seed: number): string {
  const random = createRandom(seed);
  return Array.from({ length }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 3000))).join('');
}

describe('MinHash', () => {
  it('estimates Jaccard similarity of character shingles within 0.1', () => {
    const hasher = createMinHasher({ permutations: 256 });
    const base = randomChinese(600, 1);
    const edited = base.slice(0, 300) + randomChinese(60, 2) + base.slice(360);
    const exact = shingleJaccard(base, edited);
    const estimate = estimateJaccard(hasher.signature(base), hasher.signature(edited));
    expect(exact).toBeGreaterThan(0.6);
    expect(exact).toBeLessThan(0.9);
    expect(Math.abs(estimate - exact)).toBeLessThan(0.1);
    expect(estimateJaccard(hasher.signature(base), hasher.signature(randomChinese(600, 3)))).toBeLessThan(
      0.05,
    );
  });

  it('finds near duplicates through the LSH index and stores only new documents', () => {
    const hasher = createMinHasher();
    const index = new MinHashIndex(0.8);
    const base = randomChinese(800, 4);
    expect(index.add(hasher.signature(base))).toBeUndefined();
    expect(index.add(hasher.signature(`${base.slice(0, 400)}某${base.slice(401)}`))).toBe(0);
    expect(index.add(hasher.signature(randomChinese(800, 5)))).toBeUndefined();
  });
});

describe('buildCorpus', () => {
  it('cleans, removes exact and near duplicates, shards JSONL and writes stats', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-corpus-'));
    const long = randomChinese(1000, 6);
    const documents = [
      `# 标题\n\n${long}`,
      `标题\n\n${long}`, // same after cleaning → exact duplicate
      `标题\n\n${long.slice(0, 500)}改${long.slice(501)}`, // one character changed → near duplicate
      randomChinese(300, 7),
      '短',
      randomChinese(300, 8),
    ];
    const jsonl = join(dir, 'cases.jsonl');
    await writeFile(
      jsonl,
      `${JSON.stringify({ fact: `案情：${randomChinese(200, 9)}` })}\n\n${JSON.stringify({ fact: `案情：${randomChinese(200, 10)}` })}\n`,
    );
    const stats = await buildCorpus({
      sources: [
        { kind: 'documents', name: 'memory', documents },
        { kind: 'jsonl', path: jsonl },
      ],
      outDir: join(dir, 'out'),
      shardSize: 2,
    });
    expect(stats).toMatchObject({
      documentsIn: 8,
      documentsOut: 5,
      exactDuplicates: 1,
      nearDuplicates: 1,
      tooShort: 1,
    });
    expect(stats.sources).toEqual({
      memory: { documentsIn: 6, documentsOut: 3 },
      'cases.jsonl': { documentsIn: 2, documentsOut: 2 },
    });
    expect(stats.shards.map((shard) => shard.documents)).toEqual([2, 2, 1]);
    const first = (await readFile(stats.shards[0].path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(first[0]).toEqual({ content: `标题\n\n${long}` });
    const written = JSON.parse(await readFile(join(dir, 'out', 'corpus-stats.json'), 'utf8'));
    expect(written.documentsOut).toBe(5);
    // Near-duplicate removal off: the edited copy stays.
    const kept = await buildCorpus({
      sources: [{ kind: 'documents', name: 'memory', documents }],
      outDir: join(dir, 'out2'),
      nearDuplicateThreshold: null,
    });
    expect(kept.documentsOut).toBe(4);
  });

  it('names the file and line of a malformed JSONL record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-corpus-'));
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"content":"好的文本内容"}\n{"content": 12}\n');
    await expect(
      buildCorpus({ sources: [{ kind: 'jsonl', path }], outDir: join(dir, 'out') }),
    ).rejects.toThrow(DataGenParseError);
    await expect(
      buildCorpus({ sources: [{ kind: 'jsonl', path }], outDir: join(dir, 'out') }),
    ).rejects.toThrow(/bad\.jsonl:2/);
  });
});
