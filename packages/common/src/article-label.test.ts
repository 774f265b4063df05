import { describe, expect, it } from 'vitest';
import { formatArticleLabel, parseArticleLabel } from './article-label.js';

describe('article labels', () => {
  it('parses labels and shorthands, 之一 included', () => {
    const cases: [string, { number: number; suffix: number }][] = [
      ['第一百三十三条之一', { number: 133, suffix: 1 }],
      ['第一百三十三条', { number: 133, suffix: 0 }],
      ['第133条之1', { number: 133, suffix: 1 }],
      ['133之一', { number: 133, suffix: 1 }],
      ['133-1', { number: 133, suffix: 1 }],
      ['133', { number: 133, suffix: 0 }],
      [' 第二百八十七条之十一 ', { number: 287, suffix: 11 }],
    ];
    for (const [text, article] of cases) expect(parseArticleLabel(text), text).toEqual(article);
    for (const text of ['', '第条', '第0条', '133之', 'article 133', '第一百三十三款'])
      expect(parseArticleLabel(text), text).toBeUndefined();
  });

  it('formats labels that parse back', () => {
    for (const article of [
      { number: 133, suffix: 1 },
      { number: 12, suffix: 0 },
      { number: 1260, suffix: 11 },
    ]) {
      const label = formatArticleLabel(article)!;
      expect(label.startsWith('第')).toBe(true);
      expect(parseArticleLabel(label)).toEqual(article);
    }
    expect(formatArticleLabel({ number: 133, suffix: 1 })).toBe('第一百三十三条之一');
    expect(formatArticleLabel({ number: 100_000 })).toBeUndefined();
  });
});
