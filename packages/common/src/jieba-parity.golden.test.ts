import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import {
  MODES,
  type Mode,
  readGolden,
  SYNTHETIC,
  segmentationHash,
  textsDigest,
  tokenLengths,
} from './internal/jieba-parity-golden.js';
import { lawbenchTexts, syntheticTexts } from './internal/jieba-parity-texts.js';
import { jiebaCut } from './jieba-cut.js';
import { jiebaDictionary } from './jieba-dictionary.js';

const golden = readGolden();
const REGENERATE =
  'rerun `npx vite-node packages/common/scripts/jieba-golden.ts` (needs python3-jieba) and commit golden/';

/** Texts whose segmentation by our port differs from Python's (by golden hash), described for the failure message. */
function differing(texts: readonly string[], hashes: Buffer, mode: Mode): string[] {
  const bad: string[] = [];
  texts.forEach((text, i) => {
    const words = jiebaCut(text, { hmm: MODES[mode].hmm });
    const lengths = tokenLengths(text, words);
    if (lengths && segmentationHash(lengths).equals(hashes.subarray(4 * i, 4 * i + 4))) return;
    bad.push(`#${i} ${JSON.stringify(text.slice(0, 80))} → ${JSON.stringify(words.slice(0, 40))}`);
  });
  return bad;
}

describe('jieba parity with Python jieba 0.42.1: synthetic adversarial texts', () => {
  it('has the dictionary total Python has (dict.txt lists B超 twice)', () => {
    expect(golden.meta.jieba).toBe('0.42.1');
    expect(jiebaDictionary().total).toBe(golden.meta.total);
  });

  const texts = syntheticTexts(SYNTHETIC.seed, SYNTHETIC.count);
  it('uses the generated texts the golden hashes belong to', () => {
    expect(texts.length).toBeGreaterThanOrEqual(20_000);
    expect(golden.meta.synthetic, `generator changed: ${REGENERATE}`).toEqual({
      ...SYNTHETIC,
      digest: textsDigest(texts),
    });
  });

  for (const mode of Object.keys(MODES) as Mode[]) {
    it(`segments all ${SYNTHETIC.count} generated texts exactly as Python's cut(HMM=${MODES[mode].hmm})`, () => {
      expect(golden.hashes[mode].synthetic.length).toBe(4 * texts.length);
      expect(differing(texts, golden.hashes[mode].synthetic, mode).slice(0, 10)).toEqual([]);
    });
  }

  it('the two modes differ where the HMM joins unknown characters, and join ASCII runs without it', () => {
    expect(jiebaCut('韩冰是个好人')).toEqual(['韩冰', '是', '个', '好人']);
    expect(jiebaCut('韩冰是个好人', { hmm: false })).toEqual(['韩', '冰', '是', '个', '好人']);
    expect(jiebaCut('abc123第3条', { hmm: false }).join('|')).toBe(jiebaCut('abc123第3条').join('|'));
  });
});

describeWithShared(
  'jieba parity with Python jieba 0.42.1: LawBench questions, answers, predictions',
  ['data/lawbench/zero_shot', 'data/lawbench/predictions/zero_shot'],
  () => {
    const texts = lawbenchTexts(sharedPath('data/lawbench'));
    it('uses the LawBench texts the golden hashes belong to', () => {
      expect(
        { count: texts.length, digest: textsDigest(texts) },
        `../shared/data/lawbench changed: ${REGENERATE}`,
      ).toEqual(golden.meta.lawbench);
    });
    for (const mode of Object.keys(MODES) as Mode[]) {
      it(`segments every LawBench text exactly as Python's cut(HMM=${MODES[mode].hmm})`, () => {
        expect(golden.hashes[mode].lawbench.length).toBe(4 * texts.length);
        expect(differing(texts, golden.hashes[mode].lawbench, mode).slice(0, 10)).toEqual([]);
      });
    }
  },
);
