import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { parseCailCases, readCailCases } from './cail-cases.js';
import { linkCharges, parseChargeList, parseChargeTable } from './charges.js';
import { buildDatasetCard, formatDatasetCard, writeInstructionDataset } from './instruction-dataset.js';
import {
  SAMPLE_CAIL,
  SAMPLE_CHARGE_TABLE,
  SAMPLE_CIVIL_LAW,
  SAMPLE_CRIMINAL_LAW,
} from './internal/sample-statutes.js';
import { createKnowledgeBase, loadKnowledgeBase } from './knowledge-base.js';
import { buildKnowledgeInstructions, KNOWLEDGE_TEMPLATES } from './knowledge-instruct.js';

const knowledgeBase = createKnowledgeBase({
  markdown: [
    { text: SAMPLE_CIVIL_LAW, path: '民法商法/示例民事法(2019-06-30).md' },
    { text: SAMPLE_CRIMINAL_LAW, path: '刑法/刑法.md' },
  ],
});
const charges = linkCharges({
  names: parseChargeList('损坏公共路灯\n非法无人机表演\n窃取虚拟财产'),
  table: parseChargeTable(SAMPLE_CHARGE_TABLE),
  knowledgeBase,
});
const cases = parseCailCases(SAMPLE_CAIL, { path: 'sample.json' });

describe('buildKnowledgeInstructions', () => {
  it('is deterministic for a seed and varies with it', () => {
    const first = buildKnowledgeInstructions({ knowledgeBase, charges, cases, seed: 7, limit: 20 });
    const again = buildKnowledgeInstructions({ knowledgeBase, charges, cases, seed: 7, limit: 20 });
    const other = buildKnowledgeInstructions({ knowledgeBase, charges, cases, seed: 8, limit: 20 });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('spreads the limit over all templates and gives every record provenance', () => {
    const records = buildKnowledgeInstructions({ knowledgeBase, charges, cases, seed: 1, limit: 16 });
    expect(records).toHaveLength(16);
    expect(new Set(records.map((record) => record.template))).toEqual(new Set(KNOWLEDGE_TEMPLATES));
    for (const record of records) {
      expect(record.instruction.length).toBeGreaterThan(4);
      expect(record.output.length).toBeGreaterThan(4);
      if (record.provenance.kind === 'statute') expect(record.provenance.articles?.[0]).toMatch(/^第.+条/);
      else expect(record.provenance.caseId).toMatch(/^cail:sample#\d$/);
    }
  });

  it('renders each template from the knowledge', () => {
    const all = buildKnowledgeInstructions({ knowledgeBase, charges, cases, seed: 3 });
    const recitation = all.find(
      (record) => record.template === 'recitation' && record.provenance.articles?.[0] === '第三条之一',
    )!;
    expect(recitation.output).toBe('任何组织或者个人不得以示例为名侵害他人权益。');
    expect(recitation.instruction).toContain('《示例民事法》第三条之一');
    const elements = all.find(
      (record) => record.template === 'crime-elements' && record.provenance.charge === '窃取虚拟财产罪',
    )!;
    expect(elements.output).toContain('客观行为：窃取他人虚拟财产，数额较大。');
    expect(elements.output).toContain('2. 数额巨大的，处三年以上十年以下有期徒刑，并处罚金；');
    expect(elements.output).toContain('侵犯财产罪');
    const scenario = all.find(
      (record) => record.template === 'scenario-article' && record.provenance.charge === '损坏公共路灯罪',
    )!;
    expect(scenario.input).toBe('行为：故意损坏公共路灯，危害公共安全。');
    expect(scenario.output).toContain('第九百零一条');
    const charge = all.find(
      (record) => record.template === 'case-charge' && record.provenance.caseId === 'cail:sample#1',
    )!;
    expect(charge.output).toBe(
      '被告人钱某的行为涉嫌窃取虚拟财产罪，依据《中华人民共和国刑法》第九百二十条。',
    );
    const article = all.find(
      (record) => record.template === 'case-article' && record.provenance.caseId === 'cail:sample#0',
    )!;
    expect(article.output).toContain('第九百零一条：故意损坏公共路灯');
    const term = all.find(
      (record) => record.template === 'case-term' && record.provenance.caseId === 'cail:sample#1',
    )!;
    expect(term.output).toContain('10个月的刑期，并处罚金3000元');
    // Only the laws asked for.
    const civilOnly = buildKnowledgeInstructions({
      knowledgeBase,
      laws: ['示例民事法'],
      templates: ['recitation'],
    });
    expect(civilOnly).toHaveLength(6);
  });

  it('writes Alpaca JSON / JSONL and a dataset card', async () => {
    const records = buildKnowledgeInstructions({ knowledgeBase, charges, cases, seed: 1, limit: 16 });
    const card = buildDatasetCard({ records, seed: 1 });
    expect(Object.values(card.templates).reduce((a, b) => a + b, 0)).toBe(16);
    expect(card.sources['cail:sample']).toBe(
      records.filter((record) => record.provenance.kind === 'case').length,
    );
    expect(formatDatasetCard(card)).toContain('| recitation |');
    const dir = await mkdtemp(join(tmpdir(), 'dg-ki-'));
    await writeInstructionDataset({ records, path: join(dir, 'train.json'), metadata: false });
    const json = JSON.parse(await readFile(join(dir, 'train.json'), 'utf8'));
    expect(Object.keys(json[0])).toEqual(['instruction', 'input', 'output']);
    await writeInstructionDataset({ records, path: join(dir, 'train.jsonl') });
    const lines = (await readFile(join(dir, 'train.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[3])).toEqual(records[3]);
  });
});

describeWithShared(
  'knowledge instructions from the real statutes and CAIL',
  ['data/laws/md/刑法/刑法.md', 'data/cail2018/data_test.json'],
  () => {
    it('builds case and statute records with provenance that resolves', async () => {
      const realBase = await loadKnowledgeBase({
        root: sharedPath('data/laws/md'),
        filter: (path) => path.startsWith('刑法/'),
      });
      const realCases = (await readCailCases(sharedPath('data/cail2018/data_test.json'))).slice(0, 200);
      const records = buildKnowledgeInstructions({
        knowledgeBase: realBase,
        cases: realCases,
        laws: ['刑法'],
        seed: 5,
        limit: 120,
      });
      expect(records).toHaveLength(120);
      for (const record of records) {
        if (record.provenance.kind === 'case') {
          const index = Number(record.provenance.caseId!.split('#')[1]);
          expect(realCases[index].fact).toBe(record.input);
        } else {
          expect(record.provenance.law).toBe('中华人民共和国刑法');
        }
      }
    });
  },
);
