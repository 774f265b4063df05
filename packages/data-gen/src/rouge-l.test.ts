import { describe, expect, it } from 'vitest';
import { lcsLength, rougeL, rougeLText, tokenizeChinese } from './rouge-l.js';

describe('ROUGE-L on Chinese tokens', () => {
  it('computes known character-level scores', () => {
    // LCS 4 of 6 and 6 characters → F1 = 4/6.
    expect(rougeLText('我喜欢吃苹果', '我喜欢吃香蕉', 'char')).toBeCloseTo(4 / 6, 10);
    // LCS(盗窃罪的构成要件, 诈骗罪的构成要件是什么) = 罪的构成要件 (6): P = 6/8, R = 6/11.
    const p = 6 / 8;
    const r = 6 / 11;
    expect(rougeLText('盗窃罪的构成要件', '诈骗罪的构成要件是什么', 'char')).toBeCloseTo(
      (2 * p * r) / (p + r),
      10,
    );
    expect(rougeLText('正当防卫', '紧急避险', 'char')).toBe(0);
    expect(rougeLText('同一句话。', '同一句话', 'char')).toBe(1);
  });

  it('tokenises with jieba into words (punctuation dropped) and scores on words', () => {
    const tokens = tokenizeChinese('请解释正当防卫的构成条件。');
    expect(tokens.join('|')).not.toContain('。');
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.length).toBeLessThan(13);
    expect(tokens).toContain('正当防卫');
    const a = tokenizeChinese('请问盗窃罪的量刑标准是什么');
    const b = tokenizeChinese('请问诈骗罪的量刑标准是什么');
    expect(a).toEqual(['请问', '盗窃罪', '的', '量刑', '标准', '是', '什么']);
    // Only the charge word differs: LCS = 6 of 7 tokens each → F1 = 6/7 ≥ 0.7 (a near duplicate).
    expect(rougeL(a, b).f1).toBeCloseTo(6 / 7, 10);
    // 正当防卫 is one word, 紧急避险 two: LCS 5, lengths 6 and 7 → F1 = 10/13.
    expect(rougeLText('请解释正当防卫的构成条件', '请解释紧急避险的构成条件')).toBeCloseTo(10 / 13, 10);
    expect(rougeLText('请解释正当防卫的构成条件', '起草一份房屋租赁合同')).toBeLessThan(0.3);
  });

  it("splits as Python jieba's cut(HMM=False): unknown names stay single characters, ASCII runs join", () => {
    // Python 3.11, jieba 0.42.1: list(jieba.cut('韩冰是个好人', HMM=False)) → ['韩', '冰', '是', '个', '好人'].
    expect(tokenizeChinese('韩冰是个好人')).toEqual(['韩', '冰', '是', '个', '好人']);
    expect(tokenizeChinese('ABC123公司第3条')).toEqual(['abc123', '公司', '第', '3', '条']);
  });

  it('keeps Latin words and digits as tokens and handles empty input', () => {
    expect(tokenizeChinese('ABC公司 2023年', 'char')).toEqual(['abc', '公', '司', '2023', '年']);
    expect(lcsLength([], ['a'])).toBe(0);
    expect(rougeL([], ['a']).f1).toBe(0);
  });
});
