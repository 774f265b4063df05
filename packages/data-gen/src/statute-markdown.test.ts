import { readFile } from 'node:fs/promises';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { formatArticleLabel } from './chinese-numeral.js';
import { DataGenParseError } from './errors.js';
import { SAMPLE_CIVIL_LAW } from './internal/sample-statutes.js';
import { loadKnowledgeBase } from './knowledge-base.js';
import { parseStatuteMarkdown } from './statute-markdown.js';

describe('parseStatuteMarkdown (embedded sample)', () => {
  const document = parseStatuteMarkdown(SAMPLE_CIVIL_LAW, { path: '民法商法/示例民事法(2019-06-30).md' });

  it('reads title, history and the file date', () => {
    expect(document.law).toBe('中华人民共和国示例民事法');
    expect(document.history).toHaveLength(2);
    expect(document.fileDate).toBe('2019-06-30');
    expect(document.versionDate).toBe('2019-06-30');
  });

  it('reads articles with numbers, 之X suffixes, paragraphs and headings', () => {
    expect(document.articles.map((article) => [article.number, article.suffix])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [3, 1],
      [10, 0],
      [101, 0],
    ]);
    const second = document.articles[1];
    expect(second.text).toBe(
      '自然人、法人和非法人组织之间的示例关系，适用本法。\n本法所称示例关系，是指为测试而设定的关系。',
    );
    expect(second.headings).toEqual(['第一编 通则', '第一章 一般规定']);
    expect(document.articles[3].headings).toEqual(['第一编 通则', '第二章 权利', '第一节 一般权利']);
    expect(document.articles[4].text.split('\n')).toHaveLength(3);
    expect(document.articles[5].headings).toEqual(['第二编 附则']);
    expect(document.articles[5].line).toBe(33);
  });

  it('dates undated files by their latest history line and reads files without INFO END', () => {
    const undated = parseStatuteMarkdown(SAMPLE_CIVIL_LAW, { path: 'x/示例民事法.md' });
    expect(undated.fileDate).toBeNull();
    expect(undated.versionDate).toBe('2019-06-30');
    const bare = parseStatuteMarkdown('# 某规定\n\n第一条 甲。\n乙。\n第二条 丙。\n');
    expect(bare.articles.map((article) => article.text)).toEqual(['甲。\n乙。', '丙。']);
    expect(bare.versionDate).toBeNull();
  });

  it('rejects a file without a title, naming the file and line', () => {
    expect(() => parseStatuteMarkdown('\n\n第一条 甲。', { path: 'bad.md' })).toThrow(DataGenParseError);
    expect(() => parseStatuteMarkdown('\n\n第一条 甲。', { path: 'bad.md' })).toThrow(/bad\.md:3/);
  });
});

describe('parseStatuteMarkdown warnings', () => {
  const text = [
    '# 某法',
    '',
    '<!-- INFO END -->',
    '',
    '第一条 甲。',
    '第二条 乙。',
    '乙的第二款。',
    '第X条 丁。',
    '丁的第二款。',
    '第一条 戊。',
    '',
  ].join('\n');
  const document = parseStatuteMarkdown(text, { path: 'laws/某法.md' });

  it('keeps a repeated article number, with its line, and warns naming file and both lines', () => {
    expect(document.articles.map((article) => [article.number, article.text, article.line])).toEqual([
      [1, '甲。', 5],
      [2, '乙。\n乙的第二款。', 6],
      [1, '戊。', 10],
    ]);
    expect(document.warnings).toContainEqual(
      expect.objectContaining({
        kind: 'duplicate-article',
        path: 'laws/某法.md',
        line: 10,
        first: { path: 'laws/某法.md', line: 5 },
      }),
    );
  });

  it('does not glue a malformed article label onto the article before it', () => {
    expect(document.articles[1].text).not.toContain('丁');
    expect(document.unparsed).toEqual([{ line: 8, text: '第X条 丁。\n丁的第二款。' }]);
    const warning = document.warnings.find((entry) => entry.kind === 'unparseable-article')!;
    expect(warning).toMatchObject({ path: 'laws/某法.md', line: 8 });
    expect(warning.message).toContain('第X条 丁。');
    expect(document.warnings).toHaveLength(2);
  });

  it('warns about a file without articles', () => {
    expect(parseStatuteMarkdown('# 案例\n\n一段说明。\n', { path: 'x.md' }).warnings).toEqual([
      { kind: 'no-articles', path: 'x.md', line: 1, message: 'no article (第X条) in this file' },
    ]);
  });
});

describeWithShared(
  'statute parser on the real LawRefBook files',
  ['data/laws/md/刑法/刑法.md', 'data/laws/md/民法典'],
  () => {
    it('民法典 has exactly 1,260 articles, numbered 1..1260 without gaps', async () => {
      const knowledgeBase = await loadKnowledgeBase({
        root: sharedPath('data/laws/md'),
        filter: (path) => path.startsWith('民法典/'),
      });
      const articles = knowledgeBase.articles('民法典');
      expect(articles).toHaveLength(1260);
      expect(articles.map((article) => article.number)).toEqual(
        Array.from({ length: 1260 }, (_, index) => index + 1),
      );
      expect(knowledgeBase.law('民法典').paths).toHaveLength(8);
      expect(knowledgeBase.getArticle({ law: '民法典', number: 1 }).headings).toEqual([
        '总则',
        '第一章 基本规定',
      ]);
    });

    it('刑法 has 452 numbered articles plus 53 之X articles', async () => {
      const path = sharedPath('data/laws/md/刑法/刑法.md');
      const text = await readFile(path, 'utf8');
      const document = parseStatuteMarkdown(text, { path });
      const plain = document.articles.filter((article) => article.suffix === 0);
      expect(plain).toHaveLength(452);
      expect(plain.map((article) => article.number)).toEqual(
        Array.from({ length: 452 }, (_, index) => index + 1),
      );
      expect(document.articles.filter((article) => article.suffix > 0)).toHaveLength(53);
      const dangerousDriving = document.articles.find(
        (article) => article.number === 133 && article.suffix === 1,
      )!;
      expect(
        dangerousDriving.text.startsWith('在道路上驾驶机动车，有下列情形之一的，处拘役，并处罚金：\n（一）'),
      ).toBe(true);
      expect(dangerousDriving.headings).toEqual(['第二编 分则', '第二章 危害公共安全罪']);
      // Every label written back is found verbatim in the file.
      for (const article of document.articles) {
        expect(text.includes(`${formatArticleLabel(article.number, article.suffix)} `)).toBe(true);
      }
    });
  },
);
