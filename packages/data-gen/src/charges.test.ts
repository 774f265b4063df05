import { readFile } from 'node:fs/promises';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { readCailCases } from './cail-cases.js';
import {
  linkCharges,
  loadChargeTables,
  normalizeChargeName,
  parseArticleRefs,
  parseChargeList,
  parseChargeTable,
} from './charges.js';
import { SAMPLE_CHARGE_TABLE, SAMPLE_CRIMINAL_LAW } from './internal/sample-statutes.js';
import { createKnowledgeBase, loadKnowledgeBase } from './knowledge-base.js';

describe('charges', () => {
  it('parses article references in Arabic and Chinese numerals', () => {
    expect(parseArticleRefs('第114条、第115条第1款')).toEqual([
      { number: 114, suffix: 0 },
      { number: 115, suffix: 0, paragraph: 1 },
    ]);
    expect(parseArticleRefs('第一百三十三条之一')).toEqual([{ number: 133, suffix: 1 }]);
    expect(normalizeChargeName('帮助恐怖活动罪 （取消资助恐怖活动罪罪名）')).toBe('帮助恐怖活动罪');
    expect(normalizeChargeName('故意伤害')).toBe('故意伤害罪');
  });

  it('reads inline and table charge lists with their chapters', () => {
    const table = parseChargeTable(SAMPLE_CHARGE_TABLE, { path: 'table.md' });
    expect(table.map((charge) => [charge.name, charge.articles, charge.category])).toEqual([
      ['损坏公共路灯罪', [{ number: 901, suffix: 0 }], '危害公共安全罪'],
      ['非法无人机表演罪', [{ number: 901, suffix: 1 }], '危害公共安全罪'],
      ['窃取虚拟财产罪', [{ number: 920, suffix: 0, paragraph: 1 }], undefined],
    ]);
  });

  it('links names by the table first, then by case co-occurrence, and adds the 刑法 chapter', () => {
    const knowledgeBase = createKnowledgeBase({
      markdown: [{ text: SAMPLE_CRIMINAL_LAW, path: '刑法/刑法.md' }],
    });
    const charges = linkCharges({
      names: parseChargeList('窃取虚拟财产\n路灯破坏\n无人认领\n'),
      table: parseChargeTable(SAMPLE_CHARGE_TABLE),
      cases: [
        { accusations: ['路灯破坏'], articles: [901] },
        { accusations: ['路灯破坏'], articles: [901] },
        { accusations: ['路灯破坏', '窃取虚拟财产'], articles: [920] },
      ],
      knowledgeBase,
    });
    expect(charges[0]).toMatchObject({
      name: '窃取虚拟财产罪',
      category: '侵犯财产罪',
      articles: [{ number: 920 }],
    });
    expect(charges[1]).toMatchObject({
      name: '路灯破坏罪',
      source: 'cases',
      category: '危害公共安全罪',
      articles: [{ number: 901 }],
    });
    expect(charges[2]).toMatchObject({ name: '无人认领罪', source: 'unlinked', articles: [] });
  });
});

describeWithShared(
  'charges linked on CAIL2018 and the 罪名 documents',
  ['data/cail2018/accu.txt', 'data/laws/md'],
  () => {
    it('links nearly all 202 CAIL charges and agrees with CAIL single-article cases', async () => {
      const names = parseChargeList(await readFile(sharedPath('data/cail2018/accu.txt'), 'utf8'));
      expect(names).toHaveLength(202);
      const table = await loadChargeTables({ root: sharedPath('data/laws/md') });
      expect(table.length).toBeGreaterThan(450);
      const cases = await readCailCases(sharedPath('data/cail2018/data_train.json'));
      const knowledgeBase = await loadKnowledgeBase({
        root: sharedPath('data/laws/md'),
        filter: (path) => path === '刑法/刑法.md',
      });
      const charges = linkCharges({ names, table, cases, knowledgeBase });
      const fromTable = charges.filter((charge) => charge.source.endsWith('.md'));
      expect(fromTable.length).toBeGreaterThanOrEqual(190);
      expect(charges.find((charge) => charge.name === '危险驾驶罪')).toMatchObject({
        articles: [{ number: 133, suffix: 1 }],
        category: '危害公共安全罪',
      });
      // Agreement of the table link with CAIL's own labels on single-charge, single-article cases.
      const byName = new Map(fromTable.map((charge) => [charge.name, charge]));
      let agree = 0;
      let total = 0;
      for (const item of cases) {
        const charge = byName.get(`${item.accusations[0]}罪`);
        if (item.accusations.length !== 1 || item.articles.length !== 1 || !charge) continue;
        total++;
        if (charge.articles.some((ref) => ref.number === item.articles[0])) agree++;
      }
      console.log(`[charges] table links agree with CAIL on ${agree}/${total} single-article cases`);
      expect(agree / total).toBeGreaterThan(0.9);
    });
  },
);
