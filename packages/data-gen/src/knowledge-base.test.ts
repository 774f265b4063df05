import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { DataGenLookupError } from './errors.js';
import { SAMPLE_CIVIL_LAW, SAMPLE_CIVIL_LAW_OLD, SAMPLE_CRIMINAL_LAW } from './internal/sample-statutes.js';
import { createKnowledgeBase, loadKnowledgeBase } from './knowledge-base.js';

describe('createKnowledgeBase', () => {
  const knowledgeBase = createKnowledgeBase({
    markdown: [
      { text: SAMPLE_CIVIL_LAW_OLD, path: '民法商法/示例民事法(2001-03-01).md' },
      { text: SAMPLE_CIVIL_LAW, path: '民法商法/示例民事法(2019-06-30).md' },
      // The same version filed under a second category is a copy, not a conflict.
      { text: SAMPLE_CIVIL_LAW, path: '经济法/示例民事法(2019-06-30).md' },
      { text: SAMPLE_CRIMINAL_LAW, path: '刑法/刑法.md' },
    ],
  });

  it('keeps the latest version of each law', () => {
    const entry = knowledgeBase.law('示例民事法');
    expect(entry.versionDate).toBe('2019-06-30');
    expect(entry.olderVersions).toEqual(['2001-03-01']);
    expect(entry.paths).toEqual(['民法商法/示例民事法(2019-06-30).md']);
    expect(entry.duplicateArticles).toBe(0);
    expect(knowledgeBase.getArticle({ law: '示例民事法', number: 2 }).text).toContain('示例关系，适用本法');
  });

  it('looks articles up by full title, short name or 《name》 and number + suffix', () => {
    expect(knowledgeBase.getArticle({ law: '中华人民共和国刑法', number: 901, suffix: 1 }).text).toContain(
      '无人机',
    );
    expect(knowledgeBase.getArticle({ law: '《刑法》', number: 920 }).text.split('\n')).toHaveLength(2);
    expect(knowledgeBase.findArticle({ law: '刑法', number: 902 })).toBeUndefined();
    expect(() => knowledgeBase.getArticle({ law: '刑法', number: 902 })).toThrow(
      /《刑法》第九百零二条 not found/,
    );
    expect(() => knowledgeBase.law('不存在法')).toThrow(DataGenLookupError);
    expect(knowledgeBase.articleCount).toBe(6 + 3);
  });

  it('merges undated parts of one law', () => {
    const parts = createKnowledgeBase({
      markdown: [
        {
          text: '# 某法典\n\n# 第一编\n\n2020年5月28日 通过\n\n<!-- INFO END -->\n\n第一条 甲。\n',
          path: '某法典/第一编.md',
        },
        {
          text: '# 某法典\n\n# 第二编\n\n2020年5月28日 通过\n\n2021年1月1日 施行\n\n<!-- INFO END -->\n\n第二条 乙。\n',
          path: '某法典/第二编.md',
        },
      ],
    });
    const entry = parts.law('某法典');
    expect(entry.articles.map((article) => [article.number, article.headings[0]])).toEqual([
      [1, '第一编'],
      [2, '第二编'],
    ]);
    expect(entry.versionDate).toBe('2021-01-01');
  });
});

describe('createKnowledgeBase with repeated article numbers', () => {
  const knowledgeBase = createKnowledgeBase({
    markdown: [
      {
        text: '# 某法典\n\n# 第一编\n\n<!-- INFO END -->\n\n第一条 甲。\n第二条 乙。\n',
        path: '某法典/第一编.md',
      },
      {
        text: '# 某法典\n\n# 第二编\n\n<!-- INFO END -->\n\n第二条 丙。\n第二条 丁。\n',
        path: '某法典/第二编.md',
      },
    ],
  });

  it('keeps every copy with its position, never dropping text, and warns with file and line', () => {
    const entry = knowledgeBase.law('某法典');
    expect(
      entry.articles.map((article) => [article.number, article.text, article.path, article.line]),
    ).toEqual([
      [1, '甲。', '某法典/第一编.md', 7],
      [2, '乙。', '某法典/第一编.md', 8],
      [2, '丙。', '某法典/第二编.md', 7],
      [2, '丁。', '某法典/第二编.md', 8],
    ]);
    expect(entry.duplicateArticles).toBe(2);
    expect(knowledgeBase.getArticle({ law: '某法典', number: 2 }).text).toBe('乙。');
    expect(knowledgeBase.findArticles({ law: '某法典', number: 2 }).map((article) => article.text)).toEqual([
      '乙。',
      '丙。',
      '丁。',
    ]);
    const duplicates = knowledgeBase.warnings().filter((warning) => warning.kind === 'duplicate-article');
    expect(duplicates.map((warning) => [warning.path, warning.line, warning.first])).toEqual([
      // within the second file (the parser's warning), then across files (the knowledge base's)
      ['某法典/第二编.md', 8, { path: '某法典/第二编.md', line: 7 }],
      ['某法典/第二编.md', 7, { path: '某法典/第一编.md', line: 8 }],
    ]);
  });
});

describeWithShared('knowledge base over all LawRefBook statutes', ['data/laws/md'], () => {
  it('loads every file, picks the latest of several dated versions, and has no conflicting article numbers', async () => {
    const knowledgeBase = await loadKnowledgeBase({ root: sharedPath('data/laws/md') });
    const roads = knowledgeBase.law('道路运输条例');
    expect(roads.versionDate).toBe('2023-07-20');
    expect(roads.olderVersions.sort()).toEqual(['2019-03-02', '2022-03-29']);
    expect(knowledgeBase.laws().reduce((sum, entry) => sum + entry.duplicateArticles, 0)).toBe(0);
    expect(knowledgeBase.articles('刑法')).toHaveLength(505);
    expect(knowledgeBase.articles('民法典')).toHaveLength(1260);
    expect(knowledgeBase.laws().length).toBeGreaterThan(1400);
  });
});
