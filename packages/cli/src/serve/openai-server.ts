import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ChatFormatter, createAlpacaChatFormatter } from './chat-prompt.js';
import type { CompletionChunk, CompletionEngine, CompletionRequest } from './completion-engine.js';
import { parseMessages, parsePrompt, parseSampling, RequestError } from './openai-request.js';
import { webUiHtml } from './web-ui.js';

/** Options for {@link createOpenAIServer}. */
export interface OpenAIServerOptions {
  engine: CompletionEngine;
  /** Conversation → prompt (default: Alpaca layout keeping every earlier turn as input). */
  formatChat?: ChatFormatter;
  /** `max_tokens` when a request gives none (default 256). */
  defaultMaxTokens?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Serve the browser page at `/` (default true). */
  webUi?: boolean;
  /** Called with one line per finished request (method, path, status, ms). */
  log?: (line: string) => void;
}

type Kind = 'chat' | 'text';

async function readJson(request: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new RequestError(`request body is larger than ${maxBytes} bytes`, null, 413);
    chunks.push(chunk as Buffer);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as Record<string, unknown>;
  } catch (error) {
    throw new RequestError(`request body is not a JSON object (${(error as Error).message})`, null);
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value));
}

function choiceDelta(kind: Kind, text: string, finishReason: string | null, stream: boolean) {
  if (kind === 'text') return { index: 0, text, logprobs: null, finish_reason: finishReason };
  const message = { role: 'assistant', content: text };
  return stream
    ? { index: 0, delta: finishReason ? {} : message, finish_reason: finishReason }
    : { index: 0, message, finish_reason: finishReason };
}

/** Serialises generation: one request runs on the model at a time, others wait their turn. */
function createQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * An OpenAI-compatible HTTP server over a {@link CompletionEngine}: `GET /v1/models`,
 * `POST /v1/chat/completions`, `POST /v1/completions` (both with `stream: true` as server-sent events),
 * `GET /health`, and a browser page at `/` whose sampling settings are sent with every request.
 */
export function createOpenAIServer({
  engine,
  formatChat = createAlpacaChatFormatter(),
  defaultMaxTokens = 256,
  maxBodyBytes = 1 << 20,
  webUi = true,
  log,
}: OpenAIServerOptions): Server {
  const enqueue = createQueue();

  async function complete(
    kind: Kind,
    body: Record<string, unknown>,
    response: ServerResponse,
  ): Promise<void> {
    const sampling = parseSampling(body, defaultMaxTokens);
    const prompt = kind === 'chat' ? formatChat(parseMessages(body)) : parsePrompt(body);
    const controller = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
    });
    const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
    const envelope = {
      id,
      object:
        kind === 'chat' ? (sampling.stream ? 'chat.completion.chunk' : 'chat.completion') : 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: engine.modelId,
    };
    const request: CompletionRequest = { ...sampling, prompt, signal: controller.signal };
    await enqueue(async () => {
      if (controller.signal.aborted) return;
      let text = '';
      let last: CompletionChunk = { text: '' };
      if (sampling.stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        if (kind === 'chat') {
          const first = { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null };
          response.write(`data: ${JSON.stringify({ ...envelope, choices: [first] })}\n\n`);
        }
      }
      for await (const chunk of engine.complete(request)) {
        text += chunk.text;
        last = chunk;
        if (sampling.stream && chunk.text !== '') {
          const choices = [choiceDelta(kind, chunk.text, null, true)];
          response.write(`data: ${JSON.stringify({ ...envelope, choices })}\n\n`);
        }
      }
      if (controller.signal.aborted) return;
      const finishReason = last.finishReason ?? 'stop';
      const usage = last.usage && {
        prompt_tokens: last.usage.promptTokens,
        completion_tokens: last.usage.completionTokens,
        total_tokens: last.usage.promptTokens + last.usage.completionTokens,
      };
      if (sampling.stream) {
        const choices = [choiceDelta(kind, '', finishReason, true)];
        response.write(`data: ${JSON.stringify({ ...envelope, choices, usage })}\n\ndata: [DONE]\n\n`);
        response.end();
      } else {
        sendJson(response, 200, {
          ...envelope,
          choices: [choiceDelta(kind, text, finishReason, false)],
          usage,
        });
      }
    });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/health') return sendJson(response, 200, { status: 'ok' });
    if (request.method === 'GET' && path === '/v1/models') {
      const model = { id: engine.modelId, object: 'model', created: 0, owned_by: 'lawgpt' };
      return sendJson(response, 200, { object: 'list', data: [model] });
    }
    if (request.method === 'GET' && path === '/' && webUi) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(webUiHtml(engine.modelId));
      return;
    }
    if (request.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/completions')) {
      const body = await readJson(request, maxBodyBytes);
      return complete(path === '/v1/completions' ? 'text' : 'chat', body, response);
    }
    throw new RequestError(`no route for ${request.method} ${path}`, null, 404);
  }

  return createServer((request, response) => {
    const started = Date.now();
    route(request, response)
      .catch((error: unknown) => {
        const known = error instanceof RequestError;
        const status = known ? error.status : 500;
        const message = known ? error.message : `internal error: ${(error as Error).message}`;
        if (response.headersSent) {
          response.end(`data: ${JSON.stringify({ error: { message } })}\n\n`);
          return;
        }
        const type = status === 500 ? 'server_error' : 'invalid_request_error';
        sendJson(response, status, {
          error: { message, type, param: known ? error.param : null, code: null },
        });
      })
      .finally(() =>
        log?.(`${request.method} ${request.url} ${response.statusCode} ${Date.now() - started}ms`),
      );
  });
}
