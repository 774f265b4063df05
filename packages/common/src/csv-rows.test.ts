import { describe, expect, it } from 'vitest';
import { splitCsv } from './csv-rows.js';

describe('splitCsv', () => {
  it('splits quoted fields with commas, quotes and newlines, and keeps the line each record starts on', () => {
    const text = 'input,output\r\n"第一条, 总则","他说""是""\n第二行"\n\nplain,2\n';
    const { rows, unterminatedAt } = splitCsv(text);
    expect(unterminatedAt).toBeUndefined();
    expect(rows).toEqual([
      { fields: ['input', 'output'], line: 1 },
      { fields: ['第一条, 总则', '他说"是"\n第二行'], line: 2 },
      { fields: ['plain', '2'], line: 5 },
    ]);
  });

  it('keeps a last record without a final newline and reports a quote never closed', () => {
    expect(splitCsv('a,b\nc,').rows).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', ''], line: 2 },
    ]);
    expect(splitCsv('a,b\n1,"open\nstill open').unterminatedAt).toBe(2);
  });
});
