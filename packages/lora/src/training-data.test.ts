import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainingError } from './errors.js';
import { formatPrompt } from './prompt-template.js';
import {
  IGNORE_INDEX,
  packTexts,
  readInstructionData,
  readPretrainingTexts,
  tokenizeInstruction,
} from './training-data.js';

// A code-point tokenizer: id = code point + 3, BOS 1, EOS 2. Enough to check masking and packing exactly.
const tokenizer = {
  eosId: 2,
  encode(text: string, options: { addBos?: boolean; addEos?: boolean } = {}) {
    const ids = [...text].map((char) => char.codePointAt(0)! + 3);
    return [...(options.addBos ? [1] : []), ...ids, ...(options.addEos ? [2] : [])];
  },
};

describe('training data', () => {
  it('masks the prompt and learns the response and EOS', () => {
    const record = { instruction: '问', input: '甲', output: '答案' };
    const example = tokenizeInstruction(record, { tokenizer });
    const promptLength = [...formatPrompt(record)].length + 1;
    expect(example.inputIds.length).toBe(promptLength + 3);
    expect(example.labels.slice(0, promptLength).every((label) => label === IGNORE_INDEX)).toBe(true);
    expect(example.labels.slice(promptLength)).toEqual([
      '答'.codePointAt(0)! + 3,
      '案'.codePointAt(0)! + 3,
      2,
    ]);
  });

  it('cuts at cutoffLength and can train on inputs', () => {
    const example = tokenizeInstruction(
      { instruction: 'abc', output: 'd' },
      { tokenizer, cutoffLength: 5, trainOnInputs: true },
    );
    expect(example.inputIds).toHaveLength(5);
    expect(example.labels).toEqual(example.inputIds);
  });

  it('packs texts into full blocks', () => {
    const examples = packTexts(['abcd', 'efgh'], { tokenizer, blockSize: 4 });
    expect(examples).toHaveLength(3); // 12 tokens with BOS/EOS each
    expect(examples[0].inputIds).toEqual([1, 100, 101, 102]);
  });

  it('reads JSON and JSONL and names the line of a bad record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lora-data-'));
    const json = join(dir, 'a.json');
    await writeFile(json, JSON.stringify([{ instruction: 'i', input: '', output: 'o' }]));
    expect(await readInstructionData(json)).toEqual([{ instruction: 'i', input: '', output: 'o' }]);
    const jsonl = join(dir, 'b.jsonl');
    await writeFile(jsonl, '{"instruction":"i","output":"o"}\n\n{"instruction":"i"\n');
    await expect(readInstructionData(jsonl)).rejects.toThrow(/b\.jsonl:3: malformed JSON line/);
    await writeFile(jsonl, '{"instruction":"i","output":5}\n');
    await expect(readInstructionData(jsonl)).rejects.toBeInstanceOf(TrainingError);
  });
});

describe('readPretrainingTexts', () => {
  it('reads LaWGPT JSONL content, JSON arrays and plain text, naming bad lines', async () => {
    const { readPretrainingTexts } = await import('./training-data.js');
    const dir = await mkdtemp(join(tmpdir(), 'lora-texts-'));
    await writeFile(join(dir, 'a.jsonl'), '{"content":"第一条"}\n{"text":"第二条"}\n');
    expect(await readPretrainingTexts(join(dir, 'a.jsonl'))).toEqual(['第一条', '第二条']);
    await writeFile(join(dir, 'b.json'), JSON.stringify(['甲', { content: '乙' }]));
    expect(await readPretrainingTexts(join(dir, 'b.json'))).toEqual(['甲', '乙']);
    await writeFile(join(dir, 'c.md'), '# 标题\n正文');
    expect(await readPretrainingTexts(join(dir, 'c.md'))).toEqual(['# 标题\n正文']);
    await writeFile(join(dir, 'd.jsonl'), '{"content":"x"}\n{"body":"y"}\n');
    await expect(readPretrainingTexts(join(dir, 'd.jsonl'))).rejects.toThrow(
      /d\.jsonl:2: expected a "content"/,
    );
  });

  it('names the path of a folder or missing file, and refuses zero records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lora-files-'));
    const folder = join(dir, 'sft.json');
    await mkdir(folder);
    for (const read of [readInstructionData, readPretrainingTexts]) {
      const error = await read(folder).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TrainingError);
      expect(error).toMatchObject({ path: folder });
      expect((error as Error).message).toMatch(new RegExp(`^${folder}: is a folder; expected `));
    }
    await expect(readInstructionData(join(dir, 'none.jsonl'))).rejects.toThrow(/none\.jsonl: does not exist/);
    for (const [name, text] of [
      ['zero.jsonl', ''],
      ['blank.jsonl', '\n\n'],
      ['list.json', '[]'],
    ]) {
      await writeFile(join(dir, name), text);
      await expect(readInstructionData(join(dir, name))).rejects.toThrow(
        `${join(dir, name)}: no training records (the file is empty or holds an empty list)`,
      );
    }
    await expect(readPretrainingTexts(join(dir, 'zero.jsonl'))).rejects.toThrow(
      /zero\.jsonl: the file is empty/,
    );
    await writeFile(join(dir, 'bad.json'), '[1,');
    await expect(readPretrainingTexts(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not valid JSON/);
  });
});
