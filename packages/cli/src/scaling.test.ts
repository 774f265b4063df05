// docs/scaling.md: evaluation and data generation sent to an OpenAI-compatible cluster (vLLM, SGLang) keep
// `--concurrency N` requests in flight. The commands of the doc run against a local stand-in server
// (`startFakeOpenAI` of @lawgpt/test-helpers, which counts the requests it holds at once) that answers each
// request after a delay, so the requests a command sends together pile up there.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completionBody,
  type FakeReply,
  selfInstructReply,
  startFakeOpenAI,
} from '@lawgpt/test-helpers/openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

const ITEMS = 9;
const DELAY_MS = 100;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-scaling-'));
  const questions = Array.from({ length: ITEMS }, (_, index) => ({
    instruction: '选择',
    question: `题${index}`,
    answer: '正确答案：A。',
  }));
  await mkdir(join(dir, 'lawbench', 'zero_shot'), { recursive: true });
  await mkdir(join(dir, 'lawbench', 'scorer-data'));
  await writeFile(join(dir, 'lawbench', 'scorer-data', 'labels.json'), JSON.stringify({ labels: {} }));
  await writeFile(join(dir, 'lawbench', 'zero_shot', '1-2.json'), JSON.stringify(questions));
  const records = Array.from({ length: ITEMS }, (_, index) => ({
    instruction: `指令${index}`,
    input: '',
    output: `输出${index}`,
  }));
  await writeFile(join(dir, 'records.jsonl'), records.map((record) => JSON.stringify(record)).join('\n'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The stand-in's answer: clean gets its record back, self-instruct a numbered task list, eval run a letter. */
function answer(messages: Array<{ role: string; content: string }>): string {
  const last = messages.at(-1)?.content ?? '';
  if (messages[0]?.role === 'system') return last;
  return last.includes('指令：') ? selfInstructReply(last) : 'A';
}

/** Runs `lawgpt ...argv` against a fresh stand-in server; the most requests it held at once, and how many came. */
async function inFlight(argv: (baseUrl: string) => string[]) {
  const server = await startFakeOpenAI(({ body }) => ({
    body: completionBody(answer(body.messages ?? [])),
    delayMs: DELAY_MS,
  }));
  const err: string[] = [];
  const io = { stdout: () => {}, stderr: (text: string) => err.push(text) };
  try {
    const code = await main(argv(server.baseUrl), io);
    expect(code, err.join('')).toBe(0);
    return { max: server.maxInFlight, requests: server.requests.length };
  } finally {
    await server.close();
  }
}

describe('docs/scaling.md: --concurrency N keeps N requests in flight on an OpenAI-compatible server', () => {
  for (const concurrency of [1, 3]) {
    it(`lawgpt eval run --base-url … --concurrency ${concurrency}`, async () => {
      const out = join(dir, `eval-${concurrency}`);
      const seen = await inFlight((baseUrl) => [
        'eval',
        'run',
        '--base-url',
        baseUrl,
        '--model',
        'served-model',
        '--api-key',
        'k',
        '--data',
        join(dir, 'lawbench'),
        '--out',
        out,
        '--tasks',
        '1-2',
        '--concurrency',
        String(concurrency),
      ]);
      expect(seen).toEqual({ max: concurrency, requests: ITEMS });
      expect(Object.keys(JSON.parse(await readFile(join(out, '1-2.json'), 'utf8')))).toHaveLength(ITEMS);
    });

    it(`lawgpt data clean --base-url … --concurrency ${concurrency}`, async () => {
      const output = join(dir, `cleaned-${concurrency}.jsonl`);
      const seen = await inFlight((baseUrl) => [
        'data',
        'clean',
        '--input',
        join(dir, 'records.jsonl'),
        '-o',
        output,
        '--base-url',
        baseUrl,
        '--model',
        'served-model',
        '--api-key',
        'k',
        '--concurrency',
        String(concurrency),
      ]);
      expect(seen).toEqual({ max: concurrency, requests: ITEMS });
      expect((await readFile(output, 'utf8')).trim().split('\n')).toHaveLength(ITEMS);
    });

    it(`lawgpt data self-instruct --base-url … --concurrency ${concurrency}`, async () => {
      const output = join(dir, `generated-${concurrency}.jsonl`);
      const seen = await inFlight((baseUrl) => [
        'data',
        'self-instruct',
        '--seeds',
        join(dir, 'records.jsonl'),
        '--num',
        String(4 * concurrency),
        '--examples',
        '2',
        '--tokenizer',
        'char',
        '-o',
        output,
        '--base-url',
        baseUrl,
        '--model',
        'served-model',
        '--api-key',
        'k',
        '--concurrency',
        String(concurrency),
      ]);
      expect(seen.max).toBe(concurrency);
      expect((await readFile(output, 'utf8')).trim().split('\n')).toHaveLength(4 * concurrency);
    });
  }
});

describe('lawgpt eval run --retries N: failed requests are asked again only where a retry can succeed', () => {
  /** Runs `eval run` with `--retries` against a server answering `reply(index)`; exit code, stderr, requests. */
  async function evalRun(retries: number, reply: (index: number) => FakeReply) {
    const server = await startFakeOpenAI(({ index }) => reply(index));
    const err: string[] = [];
    const io = { stdout: () => {}, stderr: (text: string) => err.push(text) };
    const out = join(dir, `retries-${retries}-${Date.now()}`);
    try {
      const argv = ['eval', 'run', '--base-url', server.baseUrl, '--model', 'served-model', '--api-key', 'k'];
      argv.push('--data', join(dir, 'lawbench'), '--out', out, '--tasks', '1-2', '--concurrency', '1');
      const code = await main([...argv, '--retries', String(retries)], io);
      return { code, stderr: err.join(''), requests: server.requests.length, out };
    } finally {
      await server.close();
    }
  }

  it('--retries 1: a 503 (with Retry-After) is asked again and the run completes', async () => {
    const run = await evalRun(1, (index) =>
      index === 0
        ? { status: 503, body: { error: 'busy' }, headers: { 'retry-after': '0.01' } }
        : { body: completionBody('A') },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.requests).toBe(ITEMS + 1);
    expect(Object.keys(JSON.parse(await readFile(join(run.out, '1-2.json'), 'utf8')))).toHaveLength(ITEMS);
  });

  it('--retries 0: the first 503 fails the run; --retries 3: a 400 is not asked again', async () => {
    const busy = await evalRun(0, () => ({ status: 503, body: { error: 'busy' } }));
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toMatch(/HTTP 503/);
    expect(busy.requests).toBe(1);
    const bad = await evalRun(3, () => ({ status: 400, body: { error: 'bad request' } }));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/HTTP 400/);
    expect(bad.requests).toBe(1);
  });
});
