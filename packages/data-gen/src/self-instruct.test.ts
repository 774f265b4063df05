import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completionBody,
  type FakeOpenAI,
  selfInstructReply,
  startFakeOpenAI,
} from '@lawgpt/test-helpers/openai-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient } from './chat-client.js';
import { DataGenAbortError, DataGenParseError } from './errors.js';
import { filterTask } from './instruction-filter.js';
import type { InstructionRecord } from './instruction-record.js';
import { rougeLText } from './rouge-l.js';
import { runSelfInstruct, type SelfInstructProgress } from './self-instruct.js';
import { buildSelfInstructPrompt, parseNumberedTasks, parseSeedTasks } from './self-instruct-prompt.js';

const SEEDS = [
  {
    id: 'seed_task_0',
    name: 'a',
    instruction: '请解释什么是正当防卫。',
    instances: [{ input: '', output: '正当防卫是指……' }],
    is_classification: false,
  },
  {
    id: 'seed_task_1',
    name: 'b',
    instruction: '根据案情判断被告人的罪名。',
    instances: [{ input: '张某盗窃他人手机一部。', output: '盗窃罪。' }],
    is_classification: false,
  },
  { instruction: '起草一份借款合同的违约责任条款。', input: '', output: '借款人逾期还款的，应当……' },
  {
    instruction: '比较诉讼时效与除斥期间的区别。',
    input: '',
    output: '二者在适用对象、期间性质等方面不同……',
  },
]
  .map((seed) => JSON.stringify(seed))
  .join('\n');

let teacher: FakeOpenAI | undefined;
afterEach(async () => {
  await teacher?.close();
  teacher = undefined;
});

async function startSelfInstructTeacher(
  options: { onRequest?: (index: number) => void; delayMs?: number } = {},
) {
  teacher = await startFakeOpenAI(({ body, index }) => {
    options.onRequest?.(index);
    return {
      body: completionBody(selfInstructReply(body.messages?.[0].content ?? '')),
      delayMs: options.delayMs,
    };
  });
  return teacher;
}

async function readRecords(path: string): Promise<InstructionRecord[]> {
  return (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as InstructionRecord);
}

describe('self-instruct prompt, parsing and filters', () => {
  it('reads Alpaca-style and flat seed tasks and names a bad line', () => {
    const seeds = parseSeedTasks(SEEDS);
    expect(seeds).toHaveLength(4);
    expect(seeds[1]).toEqual({
      id: 'seed_task_1',
      instruction: '根据案情判断被告人的罪名。',
      input: '张某盗窃他人手机一部。',
      output: '盗窃罪。',
    });
    expect(() => parseSeedTasks(`${SEEDS}\n{"instruction": "缺少输出"}`, { path: 'seeds.jsonl' })).toThrow(
      DataGenParseError,
    );
    expect(() => parseSeedTasks('{"instruction": "x"', { path: 'seeds.jsonl' })).toThrow(/seeds\.jsonl:1/);
  });

  it('builds a numbered prompt and parses a numbered continuation', () => {
    const seeds = parseSeedTasks(SEEDS).slice(0, 2);
    const prompt = buildSelfInstructPrompt({ examples: seeds, count: 5 });
    expect(prompt).toContain(
      '###\n1. 指令：请解释什么是正当防卫。\n1. 输入：\n<无输入>\n1. 输出：\n正当防卫是指……',
    );
    expect(prompt).toContain('2. 输入：\n张某盗窃他人手机一部。');
    expect(prompt).toContain('###\n3. 指令：');
    const response =
      '什么是无因管理？\n3. 输入：\n<无输入>\n3. 输出：\n无因管理是指……\n###\n4. 指令：判断合同是否有效。\n4. 输入：\n甲与乙签订……\n4. 输出：\n有效。\n###\n5. 指令：缺输出的任务\n5. 输入：\n无\n###\n6. 指令：被截断';
    const parsed = parseNumberedTasks(response, { firstNumber: 3, finishReason: 'length' });
    expect(parsed.tasks).toEqual([
      { instruction: '什么是无因管理？', input: '', output: '无因管理是指……', number: 3 },
      { instruction: '判断合同是否有效。', input: '甲与乙签订……', output: '有效。', number: 4 },
    ]);
    expect(parsed).toMatchObject({ malformed: 1, truncated: 1 });
  });

  it('filters by characters, blacklist, program, punctuation and empty output (no ASCII-first rule)', () => {
    const task = (instruction: string, output = '答案。') => ({ instruction, input: '', output });
    expect(filterTask(task('解释'))).toBe('too_short');
    expect(filterTask(task('解'.repeat(301)))).toBe('too_long');
    expect(filterTask(task('请根据图片判断事故责任。'))).toBe('blacklist');
    expect(filterTask(task('编写程序计算诉讼费用。'))).toBe('program');
    expect(filterTask(task('“什么是善意取得？”'))).toBe('punctuation_start');
    expect(filterTask(task('什么是善意取得？', ' '))).toBe('empty_output');
    expect(filterTask(task('什么是善意取得？'))).toBeUndefined();
    expect(filterTask(task('IPO的法律程序有哪些？'))).toBeUndefined();
  });
});

describe('runSelfInstruct against a deterministic endpoint on 127.0.0.1', () => {
  it('keeps `target` filtered, ROUGE-L-deduplicated records and counts rejections by reason', async () => {
    const server = await startSelfInstructTeacher();
    const dir = await mkdtemp(join(tmpdir(), 'dg-si-'));
    const outputPath = join(dir, 'generated.jsonl');
    const progress: SelfInstructProgress[] = [];
    const result = await runSelfInstruct({
      seedTasks: parseSeedTasks(SEEDS),
      client: createChatClient({ baseUrl: server.baseUrl, model: 'fake-teacher', concurrency: 2 }),
      outputPath,
      target: 12,
      requestsPerRound: 2,
      seed: 1,
      onProgress: (item) => progress.push(item),
    });
    const records = await readRecords(outputPath);
    expect(records).toHaveLength(12);
    expect(result.kept).toBe(12);
    expect(result.requests).toBe(4); // 5 fresh tasks per reply, 2 replies per round
    expect(result.rejected).toEqual({ blacklist: 3, too_short: 3, similar: 3, malformed: 3 });
    expect(progress.at(-1)?.kept).toBe(12);
    expect(records[0]).toMatchObject({
      template: 'self-instruct',
      provenance: { kind: 'teacher', model: 'fake-teacher', request: 0 },
    });
    for (let i = 0; i < records.length; i++) {
      for (let j = 0; j < i; j++)
        expect(rougeLText(records[i].instruction, records[j].instruction)).toBeLessThan(0.7);
    }
  });

  it('resumes after an abort mid-run (and a torn last line) without duplicates, matching an uninterrupted run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-si-'));
    const seedTasks = parseSeedTasks(SEEDS);
    const options = { seedTasks, target: 20, requestsPerRound: 2, seed: 3, tokenizer: 'char' as const };
    // Uninterrupted reference run.
    const reference = await startSelfInstructTeacher();
    const referencePath = join(dir, 'reference.jsonl');
    await runSelfInstruct({
      ...options,
      client: createChatClient({ baseUrl: reference.baseUrl, model: 't' }),
      outputPath: referencePath,
    });
    await reference.close();
    // Interrupted run: the signal aborts while the third round is in flight.
    const controller = new AbortController();
    const server = await startSelfInstructTeacher({
      delayMs: 30,
      onRequest: (index) => index === 2 && controller.abort(),
    });
    const outputPath = join(dir, 'generated.jsonl');
    const client = createChatClient({ baseUrl: server.baseUrl, model: 't' });
    await expect(
      runSelfInstruct({ ...options, client, outputPath, signal: controller.signal }),
    ).rejects.toBeInstanceOf(DataGenAbortError);
    const partial = await readRecords(outputPath);
    expect(partial).toHaveLength(10);
    // A kill while writing leaves half a line; the resumed run cuts it off.
    await appendFile(outputPath, '{"instruction":"半行');
    const resumed = await runSelfInstruct({ ...options, client, outputPath });
    expect(resumed.resumed).toBe(10);
    const records = await readRecords(outputPath);
    expect(records).toHaveLength(20);
    expect(records.slice(0, 10)).toEqual(partial);
    expect(new Set(records.map((record) => record.instruction)).size).toBe(20);
    expect(records).toEqual(await readRecords(referencePath));
  });
});
