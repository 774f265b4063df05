import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../command.js';
import { dataCommand } from './data.js';

const CRIMINAL = `# 中华人民共和国刑法

2023年12月29日 修正

<!-- INFO END -->

## 第二编 分则

第九百零一条 故意损坏公共路灯，危害公共安全的，处三年以下有期徒刑或者拘役；情节严重的，处三年以上七年以下有期徒刑。

第九百零一条之一 在公共道路上驾驶无人机编队表演，未经批准的，处拘役，并处罚金。
`;

const QUESTIONS = `input,output,A,B,C,D,source,multichoice
"甲故意损坏公共路灯，危害公共安全，情节严重的，应如何处罚？
",C,处拘役,无罪,处三年以上七年以下有期徒刑,免予处罚,test exam,False
"乙未经批准在公共道路上驾驶无人机编队表演，下列哪些处理正确？
",AD,处拘役,无罪,处十年有期徒刑,并处罚金,test exam,True
"月亮是什么颜色？
",B,蓝,白,红,绿,test exam,False
`;

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await dataCommand.run(parseCommandArgs(dataCommand, argv), {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-exam-'));
  await mkdir(join(dir, 'laws'), { recursive: true });
  await writeFile(join(dir, 'laws', '刑法.md'), CRIMINAL);
  await writeFile(join(dir, 'questions.csv'), QUESTIONS);
});

describe('lawgpt data exam', () => {
  it('writes statute-grounded records, counts the dropped, and resumes', async () => {
    const output = join(dir, 'exam.jsonl');
    const argv = [
      'exam',
      '--questions',
      join(dir, 'questions.csv'),
      '--laws',
      join(dir, 'laws'),
      '--min-score',
      '1',
      '-o',
      output,
    ];
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(0);
    expect(stderr).toContain('questions: 3 (2 single, 1 multiple choice)');
    expect(stdout).toMatch(
      /^2 records → .*exam\.jsonl \(3\/3 questions settled, 0 before this run; dropped: ungrounded 1, contradicts 0, unparseable 0; failed requests: 0\)/,
    );
    const records = (await readFile(output, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((record) => record.provenance.questionId)).toEqual(['questions#1', 'questions#2']);
    expect(records[1].output).toMatch(/^答案：AD\n/);
    expect(records[1].provenance.citations).toEqual([
      { law: '中华人民共和国刑法', article: '第九百零一条之一' },
      { law: '中华人民共和国刑法', article: '第九百零一条' },
    ]);
    expect((await run(argv)).stdout).toMatch(/^2 records → .*3 before this run/);
  });

  it('asks a teacher (--base-url), retrying a 429, and keeps only explanations that agree with the key', async () => {
    let requests = 0;
    const server = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      requests++;
      if (requests === 1) {
        response.writeHead(429, { 'retry-after': '0' }).end('{}');
        return;
      }
      const prompt = (JSON.parse(body).messages as { content: string }[])
        .map((message) => message.content)
        .join('\n');
      const key = /参考答案：([A-Z]+)/.exec(prompt)?.[1];
      const content = prompt.includes('月亮')
        ? '答案：A'
        : `依据《刑法》第九百零一条，选${key}。\n答案：${key}`;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] }),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const output = join(dir, 'teacher.jsonl');
      const { code, stdout, stderr } = await run([
        'exam',
        '--questions',
        join(dir, 'questions.csv'),
        '--base-url',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        '--model',
        'fake',
        '--concurrency',
        '1',
        '-o',
        output,
      ]);
      expect(code).toBe(0);
      expect(stderr).toContain('retry 1 after 429');
      expect(stdout).toMatch(
        /^2 records → .*dropped: ungrounded 0, contradicts 1, unparseable 0; failed requests: 0/,
      );
      const records = (await readFile(output, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(records[0]).toMatchObject({
        template: 'exam-teacher',
        provenance: { model: 'fake', citations: [{ law: '刑法', article: '第九百零一条' }] },
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('names file, line and field of a bad question, and refuses a non-JSONL output', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, `${QUESTIONS}"丙问题？",E,a,b,c,d,src,False\n`);
    await expect(
      run(['exam', '--questions', bad, '--laws', join(dir, 'laws'), '-o', join(dir, 'bad.jsonl')]),
    ).rejects.toThrow(/bad\.csv:8: field "output": answer E is not one of the options ABCD/);
    await expect(
      run(['exam', '--questions', bad, '--laws', join(dir, 'laws'), '-o', join(dir, 'x.json')]),
    ).rejects.toThrow(/resumable JSONL/);
    await expect(run(['exam', '--questions', bad, '-o', join(dir, 'x.jsonl')])).rejects.toThrow(
      /--laws is required/,
    );
  });
});

describe('lawgpt data decontaminate', () => {
  it('drops records that copy benchmark items and reports them per task', async () => {
    const benchmark = join(dir, 'heldout.jsonl');
    const heldout = '某公司拖欠员工工资长达六个月，员工申请劳动仲裁被驳回后，能否直接向人民法院提起诉讼？';
    await writeFile(
      benchmark,
      `${JSON.stringify({ question: heldout })}\n${JSON.stringify({ question: '另一道与本案无关的测试题目，内容足够长以便检查。' })}\n`,
    );
    const input = join(dir, 'train.json');
    const records = [
      { instruction: '请回答', input: heldout, output: '可以。' },
      {
        instruction: '什么是正当防卫？',
        input: '',
        output: '正当防卫是为了使国家、公共利益免受正在进行的不法侵害。',
      },
      { instruction: '下列哪些属于赔偿范围？', input: '', output: '答案：AD' },
    ];
    await writeFile(input, JSON.stringify(records));
    const output = join(dir, 'clean.json');
    const { code, stdout } = await run([
      'decontaminate',
      '--input',
      input,
      '--benchmark',
      benchmark,
      '--questions',
      join(dir, 'questions.csv'),
      '-o',
      output,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^2 clean records → .*clean\.json; 1 flagged of 3/);
    expect(stdout).toContain(
      // 39 characters once cleaned: under MinHash's 40, so the n-gram detector alone checks it
      'heldout: 1 records overlap 1/2 items (n-gram 1, MinHash 0), e.g. record 0 ~ heldout#1 (n-gram 100%)',
    );
    expect(
      JSON.parse(await readFile(output, 'utf8')).map((record: { instruction: string }) => record.instruction),
    ).toEqual(['什么是正当防卫？', '下列哪些属于赔偿范围？']);
    const report = JSON.parse(await readFile(`${output}.decontamination.json`, 'utf8'));
    expect(report.flagged[0]).toMatchObject({
      index: 0,
      matches: [{ itemId: 'heldout#1', task: 'heldout', coverage: 1, detectors: ['ngram'] }],
      detectors: ['ngram'],
    });
    expect(report.tasks['disc-law-eval/questions']).toMatchObject({ items: 3, flaggedRecords: 0 });
    await expect(run(['decontaminate', '--input', input, '-o', output])).rejects.toThrow(/--lawbench DIR/);
  });
});
