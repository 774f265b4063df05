import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completionBody, type FakeOpenAI, startFakeOpenAI } from '@lawgpt/test-helpers/openai-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createArticleRetriever } from './article-retriever.js';
import { createChatClient, type RetryInfo } from './chat-client.js';
import { DataGenAbortError } from './errors.js';
import { statedAnswer } from './exam-explanation.js';
import { buildExamInstructions } from './exam-instructions.js';
import { type ExamQuestion, readExamQuestions } from './exam-questions.js';
import type { InstructionRecord } from './instruction-record.js';
import { SAMPLE_CIVIL_LAW, SAMPLE_CRIMINAL_LAW } from './internal/sample-statutes.js';
import { createKnowledgeBase, loadKnowledgeBase } from './knowledge-base.js';

const knowledgeBase = createKnowledgeBase({
  markdown: [
    { text: SAMPLE_CIVIL_LAW, path: 'civil.md' },
    { text: SAMPLE_CRIMINAL_LAW, path: 'criminal.md' },
  ],
});
const retriever = createArticleRetriever({ knowledgeBase });

function question(
  id: string,
  text: string,
  answer: string[],
  options?: Record<string, string>,
): ExamQuestion {
  return {
    id,
    question: text,
    options: options ?? { A: '处拘役', B: '无罪', C: '处十年以上有期徒刑', D: '免予处罚' },
    answer,
    multipleChoice: answer.length > 1,
    path: 'test.csv',
    line: 1,
  };
}

const QUESTIONS: ExamQuestion[] = [
  question('q1', '甲故意损坏公共路灯，危害公共安全，情节严重，应如何处罚？', ['C'], {
    A: '处拘役',
    B: '无罪',
    C: '处三年以上七年以下有期徒刑',
    D: '免予处罚',
  }),
  question('q2', '乙未经批准在公共道路上驾驶无人机编队表演，应如何处理？', ['A']),
  question('q3', '关于窃取他人虚拟财产，数额巨大的，下列哪些说法正确？', ['C', 'D'], {
    A: '无罪',
    B: '只处罚金',
    C: '处三年以上十年以下有期徒刑',
    D: '并处罚金',
  }),
  question('q4', '月亮的颜色是什么？', ['B'], { A: '蓝', B: '白', C: '红', D: '绿' }),
];

async function readRecords(path: string): Promise<InstructionRecord[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as InstructionRecord);
}

describe('exam questions → instruction records without a teacher', () => {
  it('explains each answer with the retrieved articles, cites them and drops ungrounded questions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-exam-'));
    const outputPath = join(dir, 'exam.jsonl');
    const result = await buildExamInstructions({ questions: QUESTIONS, retriever, outputPath, minScore: 1 });
    expect(result).toMatchObject({
      total: 4,
      done: 4,
      written: 3,
      dropped: { ungrounded: 1, contradicts: 0 },
    });
    const records = await readRecords(outputPath);
    expect(records.map((record) => record.provenance.questionId)).toEqual(['q1', 'q2', 'q3']);
    expect(records[0].instruction).toContain('单项选择题');
    expect(records[0].instruction).toContain('C. 处三年以上七年以下有期徒刑');
    expect(records[2].instruction).toContain('多项选择题');
    expect(records[0].provenance.citations?.[0]).toEqual({
      law: '中华人民共和国刑法',
      article: '第九百零一条',
    });
    expect(records[1].provenance.citations?.[0]).toEqual({
      law: '中华人民共和国刑法',
      article: '第九百零一条之一',
    });
    expect(records[2].provenance.citations?.[0]).toEqual({
      law: '中华人民共和国刑法',
      article: '第九百二十条',
    });
    expect(records[0].output).toMatch(/^答案：C\n解析：/);
    expect(records[0].output).toContain('故意损坏公共路灯');
    expect(statedAnswer(records[2].output)).toEqual(['C', 'D']);
    // A rerun finds everything settled and writes nothing more.
    const again = await buildExamInstructions({ questions: QUESTIONS, retriever, outputPath, minScore: 1 });
    expect(again).toMatchObject({ resumed: 4, written: 3 });
    expect(await readRecords(outputPath)).toHaveLength(3);
  });

  const shared = join(import.meta.dirname, '../../../../shared/data');
  it.skipIf(!existsSync(shared))(
    'writes article-grounded records for the 2,563 DISC-Law-Eval questions',
    async () => {
      const started = Date.now();
      const realBase = await loadKnowledgeBase({ root: join(shared, 'laws/md') });
      const realRetriever = createArticleRetriever({ knowledgeBase: realBase });
      const indexed = Date.now();
      const questions = await readExamQuestions({ paths: [join(shared, 'disc-law-eval/objective')] });
      const outputPath = join(await mkdtemp(join(tmpdir(), 'dg-exam-disc-')), 'exam.jsonl');
      const result = await buildExamInstructions({ questions, retriever: realRetriever, outputPath });
      const records = await readRecords(outputPath);
      console.log(
        `DISC exam → records: ${result.written} written, dropped ${JSON.stringify(result.dropped)} of ${result.total}; ` +
          `statutes + index ${indexed - started} ms, questions → records ${Date.now() - indexed} ms`,
      );
      expect(result.done).toBe(2563);
      expect(records).toHaveLength(result.written);
      expect(
        result.written + result.dropped.ungrounded + result.dropped.contradicts + result.dropped.unparseable,
      ).toBe(2563);
      expect(result.written).toBeGreaterThan(2563 * 0.8);
      for (const record of records) {
        const citations = record.provenance.citations ?? [];
        expect(citations.length).toBeGreaterThan(0);
        for (const citation of citations)
          expect(record.output).toContain(`《${citation.law}》${citation.article}`);
      }
    },
    120000,
  );
  if (!existsSync(shared)) console.log(`skipped the DISC-Law-Eval run: ${shared} is absent`);
});

let teacher: FakeOpenAI | undefined;
afterEach(async () => {
  await teacher?.close();
  teacher = undefined;
});

/** Replies like a teacher: the key from the prompt, except q3 (another answer) and q4 (no answer line). */
function teacherReply(prompt: string, questionLine: string): string {
  const key = /参考答案：([A-Z]+)/.exec(prompt)?.[1] ?? 'A';
  if (questionLine.includes('虚拟财产')) return '分析：依据《刑法》第九百二十条，应处罚金。\n答案：B';
  if (questionLine.includes('月亮')) return '这道题与法律无关。';
  return `逐项分析：依据《中华人民共和国刑法》第901条及《刑法》第九百零一条之一的规定，选项${key}正确。\n答案：${key}`;
}

async function startTeacher(options: { faults?: boolean; onRequest?: (index: number) => void } = {}) {
  const seen = new Map<string, number>();
  teacher = await startFakeOpenAI(({ body, index }) => {
    options.onRequest?.(index);
    const prompt = body.messages?.map((message) => message.content).join('\n') ?? '';
    const id = /^(.*？)$/m.exec(prompt)?.[1] ?? '';
    const attempt = (seen.get(id) ?? 0) + 1;
    seen.set(id, attempt);
    // Faults on each question's first attempt: 429 for q1, a reply slower than the client timeout for q2.
    if (options.faults && attempt === 1 && id.includes('路灯'))
      return { status: 429, body: { error: 'rate limited' }, headers: { 'retry-after': '0' } };
    if (options.faults && attempt === 1 && id.includes('无人机'))
      return { body: completionBody(teacherReply(prompt, id)), delayMs: 400 };
    return { body: completionBody(teacherReply(prompt, id)), delayMs: 20 };
  });
  return teacher;
}

const MANY = Array.from({ length: 12 }, (_, index) => ({
  ...QUESTIONS[index % 4],
  id: `m${index}`,
  question: `${QUESTIONS[index % 4].question.replace('？', '')}（第${index}题）？`,
}));

describe('exam questions → instruction records through a teacher', () => {
  it('retries 429 and timeouts, drops contradicting and answerless replies, cites the articles named', async () => {
    const server = await startTeacher({ faults: true });
    const retries: RetryInfo[] = [];
    const client = createChatClient({
      baseUrl: server.baseUrl,
      model: 'fake-teacher',
      timeoutMs: 200,
      initialBackoffMs: 1,
      onRetry: (info) => retries.push(info),
    });
    const outputPath = join(await mkdtemp(join(tmpdir(), 'dg-exam-t-')), 'exam.jsonl');
    const result = await buildExamInstructions({ questions: QUESTIONS, retriever, client, outputPath });
    expect(retries.map((retry) => retry.reason).sort()).toEqual([429, 'timeout']);
    expect(result).toMatchObject({ written: 2, failed: 0, dropped: { contradicts: 1, unparseable: 1 } });
    const records = await readRecords(outputPath);
    expect(records.map((record) => record.provenance.questionId)).toEqual(['q1', 'q2']);
    expect(records[0]).toMatchObject({
      template: 'exam-teacher',
      provenance: {
        kind: 'exam',
        model: 'fake-teacher',
        citations: [
          { law: '中华人民共和国刑法', article: '第九百零一条' },
          { law: '中华人民共和国刑法', article: '第九百零一条之一' },
        ],
      },
    });
    expect(records[0].output).toMatch(/^答案：C\n解析：逐项分析/);
    expect(records[0].output).not.toMatch(/答案：C$/);
    // The teacher saw the retrieved article as a reference.
    expect(
      server.requests.some((request) => request.body.messages?.[1].content.includes('第九百零一条')),
    ).toBe(true);
  });

  it('resumes after an abort mid-run and a torn last line: nothing lost, nothing duplicated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-exam-r-'));
    const reference = await startTeacher();
    const referencePath = join(dir, 'reference.jsonl');
    await buildExamInstructions({
      questions: MANY,
      retriever,
      client: createChatClient({ baseUrl: reference.baseUrl, model: 't' }),
      outputPath: referencePath,
      batchSize: 2,
    });
    await reference.close();
    const controller = new AbortController();
    const server = await startTeacher({ onRequest: (index) => index === 5 && controller.abort() });
    const client = createChatClient({ baseUrl: server.baseUrl, model: 't' });
    const outputPath = join(dir, 'exam.jsonl');
    const options = { questions: MANY, retriever, client, outputPath, batchSize: 2 };
    await expect(buildExamInstructions({ ...options, signal: controller.signal })).rejects.toBeInstanceOf(
      DataGenAbortError,
    );
    const partial = await readRecords(outputPath);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(6);
    // A kill while writing leaves half a line; the resumed run cuts it off.
    await appendFile(outputPath, '{"instruction":"半行');
    const resumed = await buildExamInstructions(options);
    expect(resumed.resumed).toBe(4);
    const records = await readRecords(outputPath);
    expect(records.slice(0, partial.length)).toEqual(partial);
    expect(records).toEqual(await readRecords(referencePath));
    const ids = records.map((record) => record.provenance.questionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(resumed).toMatchObject({ done: 12, written: 6, dropped: { contradicts: 3, unparseable: 3 } });
  });
});
