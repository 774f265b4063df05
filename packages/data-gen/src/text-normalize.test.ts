import { describe, expect, it } from 'vitest';
import { cleanText, normalizeText, stripMarkup } from './text-normalize.js';

describe('normalizeText', () => {
  it('turns full-width letters, digits and spaces into ASCII but keeps Chinese punctuation', () => {
    expect(normalizeText('第１２３条　ＡＢＣ，罚款５０００元。')).toBe('第123条 ABC，罚款5000元。');
    expect(normalizeText('（一）甲；乙！', { halfwidthPunctuation: true })).toBe('(一)甲;乙!');
  });

  it('collapses whitespace, removes invisible characters and spaces between Chinese characters', () => {
    expect(normalizeText('  总 　则\u200b  \r\n\r\n\r\n\r\n第一条  本法 \t适用 于 English words ')).toBe(
      '总则\n\n第一条 本法适用于 English words',
    );
  });
});

describe('stripMarkup', () => {
  it('removes Markdown and HTML remnants, keeping the text', () => {
    const input = [
      '# 中华人民共和国示例法',
      '<!-- INFO END -->',
      '## 第一章 **总则**',
      '> 引用[链接文字](http://example.com)与![图](a.png)',
      '- 列表项<br/>第二行&nbsp;&lt;完&gt;&#x4E00;',
      '| 条文 | 罪名 |',
      '|-----|-----|',
      '| 第1条 | 某罪 |',
      '<p class="x">段落</p>',
    ].join('\n');
    expect(cleanText(input)).toBe(
      '中华人民共和国示例法\n\n第一章 总则\n引用链接文字与\n列表项\n第二行 <完>一\n条文罪名\n第1条 某罪\n段落',
    );
    expect(stripMarkup('`code` 和 __粗体__')).toBe('code 和 粗体');
  });
});
