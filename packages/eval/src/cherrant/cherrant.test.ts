import { describe, expect, it } from 'vitest';
import { alignmentOperations, enumerationWork, forEachCheapestAlignment } from './alignment.js';
import { annotateEdits, compareEdits, fScore, NOOP_EDIT } from './annotate.js';
import { charTokens, readingsOf, toSimplified } from './char-tokens.js';
import { levenshtein, mergeAlignment } from './merger.js';
import { parseCilin, parseConfusion } from './resources.js';

const resources = {
  semantic: parseCilin('Aa01A01= 人 士\nBa01A02= 述 诉'),
  confusion: parseConfusion('述 诉 术\n'),
};

describe('ChERRANT char level', () => {
  it('tokenizes per character with toneless heteronym readings and simplifies targets', () => {
    expect(charTokens('上述').map((token) => token.text)).toEqual(['上', '述']);
    expect(readingsOf('行')).toEqual(expect.arrayContaining(['xing', 'hang']));
    expect(readingsOf('，')).toEqual(['，']);
    expect(toSimplified('證據')).toBe('证据');
  });

  it('a spelling fix is one substitution span with the corrected character', () => {
    const edits = annotateEdits('上诉证据', '上述证据', resources);
    expect([...edits]).toEqual([['1 2 述', 1]]);
    expect([...annotateEdits('上述证据', '上述证据', resources)]).toEqual([[NOOP_EDIT, 1]]);
  });

  it('deletions, insertions and word-order swaps become D/I/T spans', () => {
    // The match is taken first from the end, so the first 据 is the one deleted.
    expect([...annotateEdits('证据据合法', '证据合法', resources).keys()]).toEqual(['1 2 -NONE-']);
    expect([...annotateEdits('证据合法', '证据都合法', resources).keys()]).toEqual(['2 2 都']);
    const src = charTokens('甲乙丙');
    const tgt = charTokens('乙甲丙');
    const { ops } = alignmentOperations(src, tgt, resources);
    const alignments: string[][] = [];
    forEachCheapestAlignment(ops, (alignment) => alignments.push(alignment.map((span) => span[0])));
    expect(alignments[0]).toEqual(['T2', 'M']);
    expect(enumerationWork(ops)).toBeGreaterThan(0);
    const merged = mergeAlignment(
      [
        ['T2', 0, 2, 0, 2],
        ['M', 2, 3, 2, 3],
      ],
      src.map((t) => t.text),
      tgt.map((t) => t.text),
    );
    expect(merged).toEqual([['T2', 0, 2, 0, 2]]);
  });

  it('scores span matches like compare_m2 (p = 1 without false positives, rounded to 4 places)', () => {
    const hyp = new Map([
      ['1 2 述', 1],
      ['5 6 了', 1],
    ]);
    const ref = new Map([
      ['1 2 述', 1],
      ['8 8 的', 1],
    ]);
    expect(compareEdits(hyp, ref)).toEqual({ tp: 1, fp: 1, fn: 1 });
    expect(fScore(1, 1, 1).f).toBe(0.5);
    expect(fScore(0, 0, 0)).toEqual({ precision: 1, recall: 1, f: 1 });
    expect(fScore(2, 1, 3).f).toBe(Number(((1.25 * (2 / 3) * 0.4) / (0.25 * (2 / 3) + 0.4)).toFixed(4)));
    expect(levenshtein('甲乙丙', '甲丙')).toBe(1);
  });

  it('a sentence over the work budget is annotated against "无", like LawBench after a timeout', () => {
    const over = annotateEdits('甲乙丙丁', '丁丙乙甲', resources, { maxWork: 1 });
    expect([...over.keys()]).toEqual([...annotateEdits('甲乙丙丁', '无', resources).keys()]);
  });
});
