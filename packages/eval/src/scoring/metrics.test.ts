import { jiebaCut } from '@lawgpt/common';
import { describe, expect, it } from 'vitest';
import { extractArticles } from './article-f1.js';
import { charF1 } from './char-f1.js';
import { judgeChoice } from './choice-accuracy.js';
import { entitySoftF1, extractEntities } from './entity-f1.js';
import { extractPrisonMonths } from './prison-term.js';
import { lawbenchRougeL, lcsLength, rougeLF, rougeTokens } from './rouge-l.js';
import { labelsIn, setF1 } from './set-f1.js';
import { triggerSoftF1 } from './trigger-f1.js';

describe('LawBench metrics', () => {
  it('option presence: exactly one option and it is gold', () => {
    expect(judgeChoice('答案是B', ['A', 'B', 'C', 'D'], 'B')).toEqual({ correct: true, abstained: false });
    expect(judgeChoice('A或B', ['A', 'B', 'C', 'D'], 'B')).toEqual({ correct: false, abstained: false });
    expect(judgeChoice('不知道', ['A', 'B', 'C', 'D'], 'B')).toEqual({ correct: false, abstained: true });
  });

  it('set-F1 counts labels inside longer labels, as upstream', () => {
    expect([...labelsIn('职务侵占罪', ['侵占', '职务侵占', '盗窃'])]).toEqual(['侵占', '职务侵占']);
    expect(setF1(new Set(['侵占', '职务侵占']), new Set(['职务侵占']))).toBeCloseTo(2 / 3, 15);
    expect(setF1(new Set(), new Set(['a']))).toBe(0);
  });

  it('articles: clause removal is non-greedy from the first 第, numerals go through cn2an', () => {
    expect([...extractArticles('第二百六十四条第一款、第六十七条')]).toEqual([67]);
    expect([...extractArticles('刑法第264条、第二十五条')]).toEqual([264, 25]);
    expect(extractArticles('无').size).toBe(0);
  });

  it('prison term: first 个月, then 月, then 年 × 12', () => {
    expect(extractPrisonMonths('有期徒刑一年六个月')).toBe(6);
    expect(extractPrisonMonths('判处有期徒刑两年')).toBe(24);
    expect(extractPrisonMonths('半年')).toBe(60);
    expect(extractPrisonMonths('2016年3月28日作案')).toBe(3);
    expect(extractPrisonMonths('无期徒刑')).toBeUndefined();
  });

  it('char-F1 keeps letters and digits only, lower-cased', () => {
    expect(charF1('21万元借款', '21万元，借款')).toBe(1);
    expect(charF1('', '，')).toBe(1);
    expect(charF1('ab', 'AB c')).toBeCloseTo(0.8, 15);
    expect(charF1('甲', '乙')).toBe(0);
  });

  it('NER soft-F1: type names followed by a colon, last occurrence wins, 无 dropped', () => {
    const types = ['受害人', '地点', '时间'];
    const found = extractEntities('受害人：张某\n地点:无\n受害人:李某 其他', types);
    expect([...found]).toEqual([['受害人', '李某']]);
    expect(entitySoftF1(new Map([['受害人', '李某']]), found)).toBeCloseTo(1, 9);
    expect(entitySoftF1(new Map(), new Map())).toBe(1);
  });

  it('trigger soft-F1 zips answers and predictions by position', () => {
    expect(triggerSoftF1('查扣;退给', '查扣;退给')).toBeCloseTo(1, 9);
    expect(triggerSoftF1('查扣;退给', '退给')).toBeCloseTo(0, 9);
  });

  it('ROUGE-L follows rouge_chinese: sentence split, whitespace normalised, LCS over tokens', () => {
    expect(rougeTokens('你好 。 世界 ！')).toEqual(['你好', '。', '世界', '！']);
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd'])).toBe(3);
    expect(rougeLF('a b c', 'a c')).toBeCloseTo((2 * (2 / 3) * 1) / (2 / 3 + 1 + 1e-8), 12);
  });

  it('ROUGE-L rstrips the whole text (Python whitespace) before splitting lines; mid-text blank lines stay', () => {
    // jieba's "\n" after 。 joins as "。 \n": split at 。 it would leave a " " line (one empty token) without rstrip.
    // \x1c–\x1f and \x85 are Python whitespace, \ufeff is not.
    expect(rougeTokens('你好 。 \n')).toEqual(['你好', '。']);
    expect(rougeTokens('你好 。 \x1c\x85\u3000\n\t')).toEqual(['你好', '。']);
    expect(rougeTokens('你好 。\ufeff')).toEqual(['你好', '。', '\ufeff']);
    expect(rougeTokens('你好 。\n \n世界')).toEqual(['你好', '。', '', '世界']);
    // Both sides: a prediction ending in 。\n scores as the same prediction without it.
    expect(lawbenchRougeL('本院认为。\n', '本院认为。\n\n')).toBeCloseTo(
      lawbenchRougeL('本院认为。', '本院认为。'),
      15,
    );
    expect(lawbenchRougeL('本院认为。\n', '本院认为。')).toBeCloseTo(1, 7);
  });

  it('jieba cuts like Python jieba 0.42.1 (words, HMM, whitespace, code points)', () => {
    expect(jiebaCut('我来到北京清华大学')).toEqual(['我', '来到', '北京', '清华大学']);
    expect(jiebaCut('2014-2018年')).toEqual(['2014', '-', '2018', '年']);
    expect(jiebaCut('他来到了网易杭研大厦')).toEqual(['他', '来到', '了', '网易', '杭研', '大厦']);
    // Runs of 云 tie at every step: Python's max over (score, end) puts the odd single 云 where we must.
    expect(jiebaCut('云云云我')).toEqual(['云云', '云', '我']);
    expect(jiebaCut('云云云我来到北京清华大学')).toEqual(['云', '云云', '我', '来到', '北京', '清华大学']);
    expect(jiebaCut('云'.repeat(5))).toEqual(['云云', '云云', '云']);
    expect(jiebaCut('a b\r\n3.5%的😀')).toEqual(['a', ' ', 'b', '\r\n', '3.5%', '的', '😀']);
    // Outside Python's [\u4E00-\u9FD5]: one token per code point.
    expect(jiebaCut('鿖鿗㐀')).toEqual(['鿖', '鿗', '㐀']);
  });
});
