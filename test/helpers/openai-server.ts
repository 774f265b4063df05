/**
 * A stand-in OpenAI-compatible server for tests: a real HTTP server on 127.0.0.1 that answers
 * `POST …/chat/completions` as a handler decides (status, body, delay, headers) and records what it saw.
 * data-gen's teacher tests, eval's generator tests and the CLI's scaling tests all run against it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers to one request. */
export interface FakeReply {
  status?: number;
  /** Object bodies are sent as JSON, strings as they are. */
  body?: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
}

/** A chat-completions request as the server saw it. */
export interface SeenRequest {
  /** 0-based arrival order. */
  index: number;
  /** The request path, e.g. `/v1/chat/completions`. */
  url: string;
  body: { model?: string; messages?: { role: string; content: string }[]; [key: string]: unknown };
  authorization: string | undefined;
}

/** A running stand-in server. */
export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  requests: SeenRequest[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** A chat-completions response body whose first choice is `content`. */
export function completionBody(content: string, finishReason = 'stop'): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 20 },
  };
}

async function readJson(request: IncomingMessage): Promise<SeenRequest['body']> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text ? JSON.parse(text) : {};
}

/** Start the server; `handler` decides each reply (deterministically, in tests). Other paths answer 404. */
export async function startFakeOpenAI(
  handler: (request: SeenRequest) => FakeReply | Promise<FakeReply>,
): Promise<FakeOpenAI> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      const url = request.url ?? '';
      const seen: SeenRequest = {
        index: requests.length,
        url,
        body: await readJson(request),
        authorization: request.headers.authorization,
      };
      requests.push(seen);
      const reply = url.endsWith('/chat/completions')
        ? await handler(seen)
        : { status: 404, body: { error: 'not found' } };
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (response.destroyed) return;
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      response.end(body);
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `length` CJK characters that depend only on `key`. */
function hashedChinese(key: string, length: number): string {
  const bytes = createHash('sha512').update(key).digest();
  return Array.from({ length }, (_, index) =>
    String.fromCharCode(0x4e00 + (bytes.readUInt16BE((2 * index) % 62) % 6000)),
  ).join('');
}

/**
 * A deterministic self-instruct teacher reply: it depends only on the prompt. It continues the numbered
 * list with `fresh` new tasks and four bad ones (blacklisted word, too short, a copy of the first example,
 * a block without output).
 */
export function selfInstructReply(prompt: string, fresh = 5): string {
  const examples = [...prompt.matchAll(/^(\d+)\. 指令：(.+)$/gm)];
  const firstExample = examples[0]?.[2] ?? '示例';
  let number = examples.length ? Number(examples[examples.length - 1][1]) : 1;
  const blocks: string[] = [];
  const add = (instruction: string, input: string, output?: string) => {
    const lines = [`${number}. 指令：${instruction}`, `${number}. 输入：`, input];
    if (output !== undefined) lines.push(`${number}. 输出：`, output);
    blocks.push(lines.join('\n'));
    number++;
  };
  for (let index = 0; index < fresh; index++) {
    const key = `${prompt}\u0000${index}`;
    add(
      `关于${hashedChinese(`${key}:task`, 12)}，应当如何依法处理？`,
      '<无输入>',
      `依法${hashedChinese(`${key}:answer`, 20)}。`,
    );
  }
  add('请描述这张图片中的合同条款有何问题。', '<无输入>', '无法查看。');
  add('解释', '<无输入>', '太短。');
  add(firstExample, '<无输入>', '重复。');
  add(`请分析${hashedChinese(`${prompt}\u0000analyse`, 8)}`, '<无输入>');
  // The prompt ends with "N. 指令：", so the answer starts with the text of task N.
  return blocks.join('\n###\n').replace(/^\d+\. 指令：/, '');
}
