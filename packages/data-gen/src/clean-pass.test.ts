import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completionBody, type FakeOpenAI, startFakeOpenAI } from '@lawgpt/test-helpers/openai-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient } from './chat-client.js';
import { cleanInstructions, parseCleanAnswer } from './clean-pass.js';
import { DataGenAbortError } from './errors.js';
import type { InstructionRecord } from './instruction-record.js';

let teacher: FakeOpenAI | undefined;
afterEach(async () => {
  await teacher?.close();
  teacher = undefined;
});

const records: InstructionRecord[] = Array.from({ length: 10 }, (_, index) => ({
  instruction: index === 3 ? '删除我' : index === 6 ? '乱码' : `第${index}条指令，有错别字`,
  input: '',
  output: `输出${index}`,
  template: 'recitation',
  provenance: { kind: 'statute', law: '中华人民共和国示例法', articles: [`第${index + 1}条`] },
}));

/** Rewrites 错别字 → 正确用字, asks to drop 删除我, answers garbage to 乱码. */
async function startCleaner(onRequest?: (index: number) => void, delayMs = 0) {
  teacher = await startFakeOpenAI(({ body, index }) => {
    onRequest?.(index);
    const record = JSON.parse(body.messages?.[1].content ?? '{}') as InstructionRecord;
    let answer: string;
    if (record.instruction === '删除我') answer = '{"drop": true, "reason": "无意义"}';
    else if (record.instruction === '乱码') answer = '抱歉，我无法处理。';
    else
      answer = `\`\`\`json\n${JSON.stringify({ ...record, instruction: record.instruction.replace('错别字', '正确用字') })}\n\`\`\``;
    return { body: completionBody(answer), delayMs };
  });
  return teacher;
}

describe('cleanInstructions (teacher rewrite pass)', () => {
  it('parses answers with code fences, drop requests and garbage', () => {
    expect(parseCleanAnswer('```json\n{"instruction":"甲","input":"","output":"乙"}\n```')).toEqual({
      drop: false,
      instruction: '甲',
      input: '',
      output: '乙',
    });
    expect(parseCleanAnswer('{"drop": true, "reason": "错"}')).toEqual({ drop: true, reason: '错' });
    expect(parseCleanAnswer('无法处理')).toBeUndefined();
  });

  it('rewrites, drops and keeps records with provenance, and resumes after an abort without repeats', async () => {
    const controller = new AbortController();
    const server = await startCleaner((index) => index === 5 && controller.abort(), 20);
    const dir = await mkdtemp(join(tmpdir(), 'dg-clean-'));
    const outputPath = join(dir, 'clean.jsonl');
    const client = createChatClient({ baseUrl: server.baseUrl, model: 'cleaner', concurrency: 2 });
    await expect(
      cleanInstructions({ records, client, outputPath, batchSize: 2, signal: controller.signal }),
    ).rejects.toBeInstanceOf(DataGenAbortError);
    const result = await cleanInstructions({ records, client, outputPath, batchSize: 2 });
    expect(result.resumed).toBe(4);
    expect(result.counts).toEqual({ rewritten: 8, dropped: 1, unparseable: 1, failed: 0 });
    const lines = (await readFile(outputPath, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as InstructionRecord);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatchObject({
      instruction: '第0条指令，有正确用字',
      provenance: { kind: 'statute', articles: ['第1条'], cleanedBy: 'cleaner' },
    });
    expect(lines.find((line) => line.instruction === '乱码')?.provenance.cleanedBy).toBeUndefined();
    const log = (await readFile(`${outputPath}.progress.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).index);
    expect(log.sort((a: number, b: number) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
