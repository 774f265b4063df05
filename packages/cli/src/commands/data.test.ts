import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCommandHelp, type ParsedArgs, parseCommandArgs } from '../command.js';
import { dataCommand } from './data.js';

const CRIMINAL = `# 中华人民共和国刑法

2023年12月29日 修正

<!-- INFO END -->

## 第二编 分则

### 第二章 危害公共安全罪

第九百零一条 故意损坏公共路灯，危害公共安全的，处三年以下有期徒刑或者拘役；情节严重的，处三年以上七年以下有期徒刑。

第九百零一条之一 在公共道路上驾驶无人机编队表演，未经批准的，处拘役，并处罚金。
`;
const CHARGES = `# 示例罪名规定

<!-- INFO END -->

## 第二章 危害公共安全罪

1．损坏公共路灯罪（第901条） 2．非法无人机表演罪（第901条之一）
`;

function parse(argv: string[]): ParsedArgs {
  return parseCommandArgs(dataCommand, argv);
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await dataCommand.run(parse(argv), {
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
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-data-'));
  await mkdir(join(dir, 'laws', '刑法'), { recursive: true });
  await mkdir(join(dir, 'laws', '司法解释'), { recursive: true });
  await writeFile(join(dir, 'laws', '刑法', '刑法.md'), CRIMINAL);
  await writeFile(join(dir, 'laws', '司法解释', '示例罪名(2020-01-01).md'), CHARGES);
  // A deterministic OpenAI-compatible endpoint: numbered tasks for self-instruct, JSON rewrites for clean.
  let counter = 0;
  server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const messages = JSON.parse(body).messages as { role: string; content: string }[];
    let content: string;
    if (messages[0].role === 'system') {
      const record = JSON.parse(messages[1].content);
      content = JSON.stringify({ ...record, output: `${record.output}（已清洗）` });
    } else {
      const next = Number(/(\d+)\. 指令：$/m.exec(messages[0].content)?.[1] ?? 2);
      const chars = (n: number) =>
        Array.from({ length: 10 }, (_, i) =>
          String.fromCharCode(0x4e00 + ((n * 7919 + i * 104729) % 6000)),
        ).join('');
      content = [0, 1, 2]
        .map(
          (offset) =>
            `${next + offset}. 指令：请分析${chars(counter++)}的法律问题。\n${next + offset}. 输入：\n<无输入>\n${next + offset}. 输出：\n答案${counter}。`,
        )
        .join('\n###\n')
        .replace(/^\d+\. 指令：/, '');
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('lawgpt data', () => {
  it('has help that lists the subcommands and options', () => {
    const help = formatCommandHelp(dataCommand);
    for (const text of ['knowledge-instruct', 'self-instruct', '--base-url URL', '--threshold X', 'corpus'])
      expect(help).toContain(text);
  });

  it('rejects a missing or unknown subcommand', async () => {
    await expect(run([])).rejects.toThrow(/expected a subcommand/);
    await expect(run(['nope'])).rejects.toThrow(/got 'nope'/);
  });

  it('kb prints counts, a law and an article', async () => {
    const laws = join(dir, 'laws');
    expect((await run(['kb', '--laws', laws])).stdout).toBe('2 laws, 2 articles\n');
    const law = await run(['kb', '--laws', laws, '--law', '刑法']);
    expect(law.stdout).toContain('2 articles (1 numbered + 1 之X)');
    expect(law.stderr).toContain('statutes: 2 laws, 2 articles');
    const article = await run(['kb', '--laws', laws, '--law', '刑法', '--article', '901之一', '--json']);
    expect(JSON.parse(article.stdout)).toMatchObject({
      number: 901,
      suffix: 1,
      headings: ['第二编 分则', '第二章 危害公共安全罪'],
    });
    const label = await run([
      'kb',
      '--laws',
      laws,
      '--law',
      '刑法',
      '--article',
      '第九百零一条之一',
      '--json',
    ]);
    expect(JSON.parse(label.stdout)).toEqual(JSON.parse(article.stdout));
    await expect(run(['kb', '--laws', laws, '--law', '刑法', '--article', '第九百零一款'])).rejects.toThrow(
      /--article expects/,
    );
  });

  it('knowledge-instruct writes Alpaca JSON and a dataset card', async () => {
    const output = join(dir, 'train.json');
    const result = await run([
      'knowledge-instruct',
      '--laws',
      join(dir, 'laws'),
      '--law',
      '刑法',
      '--seed',
      '2',
      '-o',
      output,
      '--no-metadata',
    ]);
    expect(result.code).toBe(0);
    const records = JSON.parse(await readFile(output, 'utf8'));
    expect(records.length).toBeGreaterThan(5);
    expect(Object.keys(records[0])).toEqual(['instruction', 'input', 'output']);
    expect(await readFile(`${output}.card.md`, 'utf8')).toContain('| crime-elements |');
    const card = JSON.parse(await readFile(`${output}.card.json`, 'utf8'));
    expect(card.records).toBe(records.length);
    expect(card.sources).toEqual({ 中华人民共和国刑法: records.length });
  });

  it('corpus writes shards and stats', async () => {
    const result = await run([
      'corpus',
      '--laws',
      join(dir, 'laws'),
      '-o',
      join(dir, 'corpus'),
      '--threshold',
      '0.9',
    ]);
    expect(result.stdout).toContain('2/2 documents kept');
    const shard = (await readFile(join(dir, 'corpus', 'corpus-00000.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(shard[0]).content).toContain('第九百零一条之一 在公共道路上');
    expect(JSON.parse(shard[1]).content).toContain('损坏公共路灯罪');
  });

  it('self-instruct and clean run against an OpenAI-compatible endpoint with progress on stderr', async () => {
    const seeds = join(dir, 'seeds.jsonl');
    await writeFile(
      seeds,
      [
        { instruction: '什么是正当防卫？', input: '', output: '……' },
        { instruction: '起草一份借条。', input: '', output: '……' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const generated = join(dir, 'generated.jsonl');
    const common = ['--base-url', baseUrl, '--model', 'fake', '--api-key', 'k', '--concurrency', '2'];
    const selfInstruct = await run([
      'self-instruct',
      '--seeds',
      seeds,
      '--num',
      '5',
      '-o',
      generated,
      '--examples',
      '2',
      ...common,
    ]);
    expect(selfInstruct.code).toBe(0);
    expect(selfInstruct.stderr).toMatch(/self-instruct: kept 5\/5/);
    expect((await readFile(generated, 'utf8')).trim().split('\n')).toHaveLength(5);
    const cleaned = join(dir, 'cleaned.jsonl');
    const clean = await run(['clean', '--input', generated, '-o', cleaned, ...common]);
    expect(clean.stderr).toContain('clean: 5/5 rewritten 5');
    const first = JSON.parse((await readFile(cleaned, 'utf8')).split('\n')[0]);
    expect(first.output).toMatch(/（已清洗）$/);
    expect(first.provenance).toMatchObject({ kind: 'teacher', model: 'fake', cleanedBy: 'fake' });
  });

  it('kb prints a summary of the statute warnings with file and line; zero articles is an error', async () => {
    const laws = join(dir, 'warned');
    await mkdir(laws, { recursive: true });
    await writeFile(
      join(laws, '某法.md'),
      '# 某法\n\n<!-- INFO END -->\n\n第一条 甲。\n第二条 乙。\n第X条 丁。\n第一条 戊。\n',
    );
    const result = await run(['kb', '--laws', laws, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ laws: 1, articles: 3 });
    expect(result.stderr).toContain('statutes: 2 warnings');
    expect(result.stderr).toContain('  1 repeated article numbers (every copy kept)');
    expect(result.stderr).toMatch(/某法\.md:8: 第一条 appears again \(first at line 5\); both are kept/);
    expect(result.stderr).toContain('  1 unparseable article labels (kept apart)');
    expect(result.stderr).toMatch(/某法\.md:7: "第X条 丁。" starts like an article label/);
    const empty = join(dir, 'no-articles');
    await mkdir(empty, { recursive: true });
    await writeFile(join(empty, '说明.md'), '# 说明\n\n没有条文。\n');
    await expect(run(['kb', '--laws', empty])).rejects.toThrow(`${empty}: no statute article parsed`);
  });

  it('clean names an instruction file that is a folder or empty', async () => {
    const folder = join(dir, 'records.jsonl');
    await mkdir(folder, { recursive: true });
    const argv = ['clean', '--base-url', baseUrl, '--model', 'm', '--output', join(dir, 'cleaned.jsonl')];
    await expect(run([...argv, '--input', folder])).rejects.toThrow(
      `${folder}: is a folder; expected instruction records`,
    );
    await writeFile(join(dir, 'none.jsonl'), '');
    await expect(run([...argv, '--input', join(dir, 'none.jsonl')])).rejects.toThrow(
      /none\.jsonl: no instruction records/,
    );
  });

  it('clean names the record and the field of a malformed instruction file', async () => {
    const argv = ['clean', '--base-url', baseUrl, '--model', 'm', '--output', join(dir, 'never.jsonl')];
    const cases: Array<[string, string, string]> = [
      ['bad.json', JSON.stringify([{ instruction: 'a', output: 'b' }, { instruction: 'c' }]), '[1].output'],
      ['bad-input.jsonl', '{"instruction": "a", "input": 3, "output": "b"}\n', '[0].input'],
      [
        'bad-kind.jsonl',
        '{"instruction": "a", "output": "b", "provenance": {"kind": "web"}}\n',
        '[0].provenance.kind',
      ],
      ['bad-row.json', '[["a", "b"]]', '[0]'],
    ];
    for (const [name, text, field] of cases) {
      const path = join(dir, name);
      await writeFile(path, text);
      await expect(run([...argv, '--input', path]), name).rejects.toThrow(
        `${path}: field "${field}": must be`,
      );
    }
  });

  it('knowledge-instruct checks --templates against the templates before reading the statutes', async () => {
    const argv = ['knowledge-instruct', '--laws', join(dir, 'missing'), '--output', join(dir, 'never.json')];
    await expect(run([...argv, '--templates', 'recitation,poem'])).rejects.toThrow(
      /--templates must be one of .*recitation.*, got 'poem'/,
    );
  });
});
