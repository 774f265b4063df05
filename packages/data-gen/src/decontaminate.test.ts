import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BenchmarkItem, loadLawBenchItems } from './benchmark-items.js';
import { contaminationText, createContaminationIndex } from './contamination-index.js';
import { decontaminate } from './decontaminate.js';
import type { InstructionRecord } from './instruction-record.js';
import { createRandom } from './internal/random.js';
import { loadKnowledgeBase } from './knowledge-base.js';
import { buildKnowledgeInstructions } from './knowledge-instruct.js';

function randomChinese(length: number, random: () => number): string {
  return Array.from({ length }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 8000))).join('');
}

function record(instruction: string, input = '', output = '答案。'): InstructionRecord {
  return { instruction, input, output, template: 'test', provenance: { kind: 'seed' } };
}

/** Light edits a copier might make: spaces, ASCII punctuation, full-width digits. */
function perturb(text: string): string {
  return text
    .replace(/，/g, ', ')
    .replace(/。/g, '. ')
    .replace(/\d/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
}

/** A copier's rewrite: one CJK character in every `every` replaced (names, numbers, words swapped). */
function substituteEvery(text: string, every: number, random: () => number): string {
  const chars = [...text];
  for (let index = Math.floor(random() * every); index < chars.length; index += every)
    if (/[\u4e00-\u9fff]/.test(chars[index]))
      chars[index] = String.fromCharCode(0x4e00 + Math.floor(random() * 8000));
  return chars.join('');
}

describe('decontaminate (synthetic benchmark made by the test)', () => {
  const random = createRandom(7);
  const items: BenchmarkItem[] = Array.from({ length: 40 }, (_, index) => ({
    id: `bench:${index}`,
    task: index < 20 ? 'short' : 'long',
    text: `${randomChinese(index < 20 ? 30 : 400, random)}，2019年${randomChinese(10, random)}。`,
  }));
  items.push({ id: 'bench:tiny', task: 'short', text: '太短的题' });

  it('normalises width, case, spaces and punctuation before taking n-grams', () => {
    expect(contaminationText('第１条　ＡＢｃ，"引号"。\n下一行')).toBe('第1条abc引号下一行');
  });

  it('flags copies (verbatim, edited, inside longer text, partial long runs) and nothing else', () => {
    const records = [
      record(items[0].text), // verbatim
      record('请回答：', perturb(items[1].text)), // edited copy in the input
      record('说明下列内容', '', `前言${items[25].text}结尾`), // long item inside an output
      record('节选', items[30].text.slice(100, 180)), // 80 characters of a 400-character item: 68 shared grams
      record(items[2].text.slice(0, 20)), // 20 characters of a 30-character item: under half its grams
      record(items[31].text.slice(0, 40)), // 40 characters of a long one: 28 grams, coverage < 0.5
      record(randomChinese(200, random)),
      record('太短的题'),
    ];
    const report = decontaminate({ records, items });
    expect(report.flagged.map((flag) => [flag.index, flag.matches[0].itemId])).toEqual([
      [0, 'bench:0'],
      [1, 'bench:1'],
      [2, 'bench:25'],
      [3, 'bench:30'],
    ]);
    expect(report.flagged[0].matches[0].coverage).toBe(1);
    expect(report.flagged[3].matches[0].sharedNgrams).toBe(68);
    expect(report.clean).toEqual(records.slice(4));
    expect(report.skippedItems).toEqual(['bench:tiny']);
    expect(report.tasks.short).toMatchObject({ items: 21, overlappedItems: 2, flaggedRecords: 2 });
    expect(report.tasks.long).toMatchObject({ items: 20, overlappedItems: 2, flaggedRecords: 2 });
    expect(report.tasks.long.examples.map((example) => example.itemId)).toEqual(['bench:25', 'bench:30']);
  });

  it('finds edited copies no 13-gram survives by MinHash, and says which detector flagged each record', () => {
    const long = items[25].text;
    const edited = substituteEvery(long, 12, random); // every 13-gram broken, 7 in 12 5-shingles kept
    const records = [record('改写', edited), record(long), record(randomChinese(400, random))];
    const report = decontaminate({ records, items });
    expect(report.flagged.map((flag) => [flag.index, flag.detectors])).toEqual([
      [0, ['minhash']],
      [1, ['ngram', 'minhash']],
    ]);
    expect(report.flagged[0].matches[0]).toMatchObject({ itemId: 'bench:25', sharedNgrams: 0 });
    expect(report.flagged[0].matches[0].similarity).toBeGreaterThanOrEqual(0.3);
    expect(report.tasks.long.byDetector).toEqual({ ngram: 1, minhash: 2 });
    expect(report.tasks.long.examples[0]).toMatchObject({ recordIndex: 0, detectors: ['minhash'] });
    const ngramOnly = decontaminate({ records, items, nearDuplicateThreshold: false });
    expect(ngramOnly.flagged.map((flag) => flag.index)).toEqual([1]);
    expect(ngramOnly.nearDuplicateThreshold).toBe(false);
  });

  it('ignores n-grams of public text (statutes) and boilerplate shared by many items', () => {
    const statute = randomChinese(120, random);
    const quoting: BenchmarkItem[] = [
      { id: 'q:0', task: 'quote', text: `${randomChinese(30, random)}${statute}` },
    ];
    const statuteRecord = [record('背诵法条', '', statute)];
    expect(decontaminate({ records: statuteRecord, items: quoting }).flagged).toHaveLength(1);
    const index = createContaminationIndex({ items: quoting, ignore: [statute] });
    expect(decontaminate({ records: statuteRecord, index }).flagged).toHaveLength(0);
    expect(index.gramCounts[0]).toBe(30);
    const formula = '经审理查明被告人于某日在某地实施盗窃';
    const many = Array.from({ length: 25 }, (_, n) => ({
      id: `f:${n}`,
      task: 'f',
      text: `${formula}${randomChinese(30, random)}`,
    }));
    expect(decontaminate({ records: [record(formula)], items: many }).flagged).toHaveLength(0);
  });
});

const shared = join(import.meta.dirname, '../../../../shared/data');
describe.skipIf(!existsSync(shared))('decontaminate against LawBench (../shared)', () => {
  it('finds all 50 planted LawBench items and flags none of 5,000 statute-derived records', async () => {
    const knowledgeBase = await loadKnowledgeBase({ root: join(shared, 'laws/md') });
    const statuteRecords = buildKnowledgeInstructions({ knowledgeBase, limit: 5000, seed: 0 });
    expect(statuteRecords).toHaveLength(5000);
    const items = await loadLawBenchItems({ root: join(shared, 'lawbench') });
    expect(items).toHaveLength(10000);
    const started = Date.now();
    const index = createContaminationIndex({
      items,
      ignore: knowledgeBase.articles().map((article) => article.text),
    });
    // 50 items spread over the 20 tasks, planted as Alpaca records (half with light edits) among the statute records.
    const checkable = items.filter((item) => index.gramCounts[items.indexOf(item)] > 0);
    const planted = Array.from({ length: 50 }, (_, n) => checkable[Math.floor((n * checkable.length) / 50)]);
    expect(new Set(planted.map((item) => item.task)).size).toBe(20);
    const raw = new Map<string, { instruction: string; answer: string }>();
    for (const task of new Set(planted.map((item) => item.task))) {
      const rows = JSON.parse(await readFile(join(shared, 'lawbench/zero_shot', `${task}.json`), 'utf8'));
      rows.forEach((row: { instruction: string; answer: string }, i: number) => {
        raw.set(`lawbench:${task}#${i}`, row);
      });
    }
    const plantedRecords = planted.map((item, n) => {
      const row = raw.get(item.id)!;
      return record(row.instruction, n % 2 ? perturb(item.text) : item.text, row.answer);
    });
    const records = [...statuteRecords];
    plantedRecords.forEach((plantedRecord, n) => {
      records.splice(n * 100 + 7, 0, plantedRecord);
    });
    const report = decontaminate({ records, index });
    console.log(
      `LawBench decontamination: ${report.flagged.length} of ${records.length} records flagged in ${Date.now() - started} ms ` +
        `(index included); ${report.skippedItems.length} LawBench items too short to check`,
    );
    expect(report.flagged.map((flag) => flag.record)).toEqual(plantedRecords);
    report.flagged.forEach((flag, n) => {
      expect(flag.matches.map((match) => match.itemId)).toContain(planted[n].id);
    });
    expect(report.clean).toEqual(statuteRecords);
    expect(report.flagged.every((flag) => flag.detectors.includes('ngram'))).toBe(true);

    // 50 more, rewritten (1 character in 20 replaced): the n-gram detector alone misses some, MinHash finds them.
    const random = createRandom(11);
    const nearCheckable = checkable.filter((item) => !index.nearDuplicateSkipped.includes(item));
    const rewritten = Array.from({ length: 50 }, (_, n) => {
      const item = nearCheckable[Math.floor(((n + 0.5) * nearCheckable.length) / 50)];
      return { item, record: record('请回答', substituteEvery(item.text, 20, random)) };
    });
    const edited = decontaminate({ records: rewritten.map((entry) => entry.record), index });
    const ngramOnly = edited.flagged.filter((flag) => flag.detectors.includes('ngram')).length;
    const similarities = rewritten.map(
      ({ item }, n) =>
        edited.flagged.find((flag) => flag.index === n)?.matches.find((match) => match.itemId === item.id)
          ?.similarity ?? 0,
    );
    console.log(
      `rewritten LawBench items (1 character in 20 replaced): ${edited.flagged.length}/50 found, ${ngramOnly} by n-grams; ` +
        `MinHash similarity min ${Math.min(...similarities).toFixed(3)}, median ${similarities.sort((a, b) => a - b)[25].toFixed(3)}; ` +
        `${index.nearDuplicateSkipped.length} items too short for MinHash`,
    );
    expect(edited.flagged).toHaveLength(50);
    expect(ngramOnly).toBeLessThan(50);
    edited.flagged.forEach((flag) => {
      expect(flag.matches.map((match) => match.itemId)).toContain(rewritten[flag.index].item.id);
    });
  }, 180000);
});
if (!existsSync(shared)) console.log(`skipped the LawBench decontamination test: ${shared} is absent`);
