import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataGenParseError } from './errors.js';
import { parseDiscQuestions, parseJecQaQuestions, readExamQuestions } from './exam-questions.js';

const DISC = `input,output,A,B,C,D,source,multichoice
"关于“示例""案件，下列哪一说法是正确的？
",B,甲说法,"乙说法，含逗号",丙说法,丁说法,2018 national judical examination,False
"下列哪些属于赔偿范围？
",ACD,医疗费,抚养费,辅助具费,残疾赔偿金,2019 national judical examination,True
`;

describe('exam question readers', () => {
  it('reads DISC-Law-Eval CSV rows with quoted newlines, commas and "" quotes', () => {
    const questions = parseDiscQuestions(DISC, { path: 'mcq_mix.csv' });
    expect(questions).toHaveLength(2);
    expect(questions[0]).toMatchObject({
      id: 'mcq_mix#1',
      question: '关于“示例"案件，下列哪一说法是正确的？',
      options: { A: '甲说法', B: '乙说法，含逗号', C: '丙说法', D: '丁说法' },
      answer: ['B'],
      multipleChoice: false,
      source: '2018 national judical examination',
      line: 2,
    });
    expect(questions[1]).toMatchObject({
      id: 'mcq_mix#2',
      answer: ['A', 'C', 'D'],
      multipleChoice: true,
      line: 4,
    });
  });

  it('names file, line and field for bad DISC rows', () => {
    const bad = (row: string) => () => parseDiscQuestions(`${DISC}${row}\n`, { path: 'q.csv' });
    expect(bad('"问题？",E,a,b,c,d,src,False')).toThrow(
      /q\.csv:6: field "output": answer E is not one of the options ABCD/,
    );
    expect(bad('"问题？",AB,a,b,c,d,src,False')).toThrow(
      /q\.csv:6: field "output": single-choice question with 2 answers/,
    );
    expect(bad('"问题？",A,a,b,c,d,src,Maybe')).toThrow(/q\.csv:6: field "multichoice"/);
    expect(bad('"问题？",A,a,,c,d,src,False')).toThrow(/q\.csv:6: field "B": empty option/);
    expect(bad('"问题？",A,a,b,c')).toThrow(/q\.csv:6: 5 fields, expected 8/);
    expect(bad('"问题？,A,a,b,c,d,src,False')).toThrow(/q\.csv:6: quoted field never closed/);
    expect(() => parseDiscQuestions('input,output\n"x",A\n', { path: 'few.csv' })).toThrow(
      /few\.csv:1: header is "input,output"/,
    );
  });

  it('reads JEC-QA JSON lines and arrays; multiple letters make a multiple-choice question', () => {
    const row = (id: string, answer: unknown) =>
      JSON.stringify({
        id,
        statement: '某甲的行为如何定性？',
        option_list: { A: '甲', B: '乙', C: '丙', D: '丁' },
        answer,
      });
    const lines = parseJecQaQuestions(`${row('1_1', ['B'])}\n\n${row('1_2', ['A', 'C'])}\n`, {
      path: '0_train.json',
    });
    expect(
      lines.map((question) => [
        question.id,
        question.answer.join(''),
        question.multipleChoice,
        question.line,
      ]),
    ).toEqual([
      ['1_1', 'B', false, 1],
      ['1_2', 'AC', true, 3],
    ]);
    const array = parseJecQaQuestions(`[${row('2_1', 'D')}]`, { path: 'a.json' });
    expect(array[0]).toMatchObject({ id: '2_1', answer: ['D'], line: 1 });
    expect(() => parseJecQaQuestions(`${row('1_1', ['E'])}`, { path: 'j.json' })).toThrow(
      /j\.json:1: field "answer"/,
    );
    expect(() => parseJecQaQuestions('{"id":"x","option_list":{}}', { path: 'j.json' })).toThrow(
      /j\.json:1: field "statement"/,
    );
    expect(() => parseJecQaQuestions(`${row('1', ['A'])}\n{oops`, { path: 'j.json' })).toThrow(
      DataGenParseError,
    );
  });

  it('reads folders, prefixes ids with the relative path and refuses duplicate ids', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-exam-q-'));
    await writeFile(join(dir, 'a.csv'), DISC);
    await writeFile(
      join(dir, 'b.jsonl'),
      '{"id":"x","statement":"问？","option_list":{"A":"1","B":"2"},"answer":["A"]}\n',
    );
    const questions = await readExamQuestions({ paths: [dir] });
    expect(questions.map((question) => question.id)).toEqual(['a#1', 'a#2', 'x']);
    await expect(readExamQuestions({ paths: [join(dir, 'b.jsonl'), join(dir, 'b.jsonl')] })).rejects.toThrow(
      /duplicate question id "x"/,
    );
  });

  const objective = join(import.meta.dirname, '../../../../shared/data/disc-law-eval/objective');
  it.skipIf(!existsSync(objective))('reads all 2,563 DISC-Law-Eval objective questions', async () => {
    const questions = await readExamQuestions({ paths: [objective] });
    expect(questions).toHaveLength(2563);
    expect(new Set(questions.map((question) => question.id)).size).toBe(2563);
    for (const question of questions) {
      expect(question.answer.length).toBeGreaterThan(0);
      if (!question.multipleChoice) expect(question.answer).toHaveLength(1);
    }
  });
  if (!existsSync(objective)) console.log(`skipped the DISC-Law-Eval count: ${objective} is absent`);
});
