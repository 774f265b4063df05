import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { jiebaDictionary } from './jieba-dictionary.js';
import { readGolden, SYNTHETIC, segmentationHash, textsDigest, tokenLengths } from './jieba-parity-golden.js';
import { lawbenchTexts, syntheticTexts } from './jieba-parity-texts.js';
import { jiebaCut } from './jieba-segmenter.js';

const golden = readGolden();
const REGENERATE =
  'rerun `npx vite-node packages/eval/scripts/jieba-golden.ts` (needs python3-jieba) and commit golden/';

/** Texts whose segmentation by our port differs from Python's (by golden hash), described for the failure message. */
function differing(texts: readonly string[], hashes: Buffer): string[] {
  const bad: string[] = [];
  texts.forEach((text, i) => {
    const words = jiebaCut(text);
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

  it(`segments all ${SYNTHETIC.count} generated texts exactly as Python does`, () => {
    const texts = syntheticTexts(SYNTHETIC.seed, SYNTHETIC.count);
    expect(texts.length).toBeGreaterThanOrEqual(20_000);
    expect(golden.meta.synthetic, `generator changed: ${REGENERATE}`).toEqual({
      ...SYNTHETIC,
      digest: textsDigest(texts),
    });
    expect(golden.synthetic.length).toBe(4 * texts.length);
    expect(differing(texts, golden.synthetic).slice(0, 10)).toEqual([]);
  });
});

describeWithShared(
  'jieba parity with Python jieba 0.42.1: LawBench questions, answers, predictions',
  ['data/lawbench/zero_shot', 'data/lawbench/predictions/zero_shot'],
  () => {
    it('segments every LawBench text exactly as Python does', () => {
      const texts = lawbenchTexts(sharedPath('data/lawbench'));
      expect(
        { count: texts.length, digest: textsDigest(texts) },
        `../shared/data/lawbench changed: ${REGENERATE}`,
      ).toEqual(golden.meta.lawbench);
      expect(golden.lawbench.length).toBe(4 * texts.length);
      expect(differing(texts, golden.lawbench).slice(0, 10)).toEqual([]);
    });
  },
);
