import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRandom } from './random.js';

/** What the test endpoint answers to one request. */
export interface FakeReply {
  status?: number;
  /** Object bodies are sent as JSON. */
  body?: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
}

/** A chat-completions request as the endpoint saw it. */
export interface SeenRequest {
  index: number;
  body: { model?: string; messages?: { role: string; content: string }[]; [key: string]: unknown };
  authorization: string | undefined;
}

/** A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, for tests. */
export interface FakeTeacher {
  baseUrl: string;
  requests: SeenRequest[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** A chat-completions response body. */
export function completionBody(content: string, finishReason = 'stop'): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 20 },
  };
}

/** Start the endpoint; `handler` decides each reply (deterministically, in tests). */
export async function startFakeTeacher(
  handler: (request: SeenRequest) => FakeReply | Promise<FakeReply>,
): Promise<FakeTeacher> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      let text = '';
      for await (const chunk of request) text += chunk;
      const seen: SeenRequest = {
        index: requests.length,
        body: text ? JSON.parse(text) : {},
        authorization: request.headers.authorization,
      };
      requests.push(seen);
      const reply = request.url?.endsWith('/chat/completions')
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

function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function randomChinese(length: number, random: () => number): string {
  return Array.from({ length }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 6000))).join('');
}

/**
 * A deterministic self-instruct teacher: the reply depends only on the prompt. It continues the numbered
 * list with `fresh` new tasks and four bad ones (blacklisted word, too short, a copy of the first example,
 * a block without output).
 */
export function selfInstructReply(prompt: string, fresh = 5): string {
  const random = createRandom(hashText(prompt));
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
  for (let index = 0; index < fresh; index++)
    add(
      `关于${randomChinese(12, random)}，应当如何依法处理？`,
      '<无输入>',
      `依法${randomChinese(20, random)}。`,
    );
  add('请描述这张图片中的合同条款有何问题。', '<无输入>', '无法查看。');
  add('解释', '<无输入>', '太短。');
  add(firstExample, '<无输入>', '重复。');
  add(`请分析${randomChinese(8, random)}`, '<无输入>');
  // The prompt ends with "N. 指令：", so the answer starts with the text of task N.
  return blocks.join('\n###\n').replace(/^\d+\. 指令：/, '');
}
