import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CompletionEngine, CompletionRequest } from './completion-engine.js';
import { RequestError } from './errors.js';
import {
  type AccessOptions,
  checkAccess,
  corsHeaders,
  isLoopback,
  loopbackHosts,
  preflight,
  readJsonBody,
} from './http-guards.js';
import { parseMessages, parsePrompt, parseRequest } from './openai-request.js';
import { ChunkWriter, type CompletionKind, completionBody, toUsage } from './openai-response.js';
import { createRequestQueue } from './request-queue.js';
import { sendError, sendJson } from './respond.js';
import { FAVICON_SVG, webUiHtml } from './web-ui.js';

/** Options for {@link createOpenAIServer}. */
export interface OpenAIServerOptions extends AccessOptions {
  engine: CompletionEngine;
  /** `max_tokens` when a request gives none (default 256; always capped to what the context leaves). */
  defaultMaxTokens?: number;
  /** Requests that may wait while one generates; beyond it 429 with `Retry-After` (default 16). */
  maxQueue?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Time to receive a request's headers and body (default 10 000 ms; 408 after). */
  bodyTimeoutMs?: number;
  /** Serve the chat page at `/` (default true). */
  webUi?: boolean;
  /** Called with one line per finished request (method, path, status, ms). */
  log?: (line: string) => void;
}

/** Where a started server listens. */
export interface ListenResult {
  host: string;
  port: number;
  url: string;
}

/** What {@link OpenAIServer.shutdown} did. */
export interface ShutdownReport {
  /** Requests that finished within the grace time. */
  finished: number;
  /** Requests aborted when it ran out. */
  aborted: number;
}

/** An OpenAI-compatible server (see {@link createOpenAIServer}). */
export interface OpenAIServer {
  /** The underlying `node:http` server. */
  readonly http: Server;
  /** Requests being answered (generating or waiting). */
  readonly activeRequests: number;
  /** Listen (default `127.0.0.1`, port 0 = a free one); a loopback bind answers only loopback `Host` names. */
  listen(options?: { host?: string; port?: number }): Promise<ListenResult>;
  /**
   * Stop accepting connections, let requests in flight finish for `graceMs` (default 10 000), then abort the
   * rest (each stops within one token) and close every connection.
   */
  shutdown(options?: { graceMs?: number }): Promise<ShutdownReport>;
}

interface Active {
  controller: AbortController;
  done: Promise<void>;
}

/** Wait until every entry is done or `ms` passed (`onEnd` receives a function that stops the wait early). */
async function settledWithin(
  entries: Active[],
  ms: number,
  onEnd?: (end: () => void) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    onEnd?.(resolve);
  });
  await Promise.race([Promise.all(entries.map((entry) => entry.done)), timeout]);
  clearTimeout(timer);
}

/**
 * An OpenAI-compatible HTTP server over a {@link CompletionEngine}: `GET /v1/models`, `POST /v1/chat/completions`,
 * `POST /v1/completions` (both streamed as server-sent events with `stream: true`, each token flushed as it is
 * produced), `GET /health` and the chat page at `/`. Generation waits in a bounded queue; an API key, one CORS
 * origin, JSON-only POSTs and body limits guard it.
 */
export function createOpenAIServer({
  engine,
  defaultMaxTokens = 256,
  maxQueue = 16,
  maxBodyBytes = 1 << 20,
  bodyTimeoutMs = 10_000,
  webUi = true,
  log,
  ...access
}: OpenAIServerOptions): OpenAIServer {
  const queue = createRequestQueue({ maxQueue });
  const active = new Set<Active>();
  let closing = false;
  let shutting: Promise<ShutdownReport> | undefined;
  let endGrace: (() => void) | undefined;

  async function complete(
    kind: CompletionKind,
    request: IncomingMessage,
    response: ServerResponse,
    controller: AbortController,
  ) {
    const body = await readJsonBody(request, { maxBytes: maxBodyBytes, timeoutMs: bodyTimeoutMs });
    const parsed = parseRequest(body, defaultMaxTokens);
    if (parsed.model !== undefined && parsed.model !== engine.modelId) {
      throw new RequestError(
        `The model '${parsed.model}' does not exist; this server serves '${engine.modelId}'.`,
        {
          status: 404,
          param: 'model',
          code: 'model_not_found',
        },
      );
    }
    const { model: _model, stream, includeUsage, ...sampling } = parsed;
    const input: Pick<CompletionRequest, 'messages' | 'prompt'> =
      kind === 'chat' ? { messages: parseMessages(body) } : { prompt: parsePrompt(body) };
    const release = await queue.acquire(controller.signal);
    try {
      const completion = await engine.complete({ ...sampling, ...input, signal: controller.signal });
      const envelope = {
        id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`,
        created: Math.floor(Date.now() / 1000),
        model: engine.modelId,
      };
      const writer = new ChunkWriter(kind, envelope, includeUsage);
      if (stream) {
        response.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
          ...corsHeaders(request, access.corsOrigin),
        });
        response.write(writer.open());
      }
      let text = '';
      for await (const chunk of completion.chunks) {
        if (chunk.finishReason === 'abort')
          throw controller.signal.reason ?? new RequestError('aborted', { status: 499 });
        if (chunk.finishReason) {
          const usage = toUsage(chunk.usage);
          if (stream) response.end(writer.close(chunk.text, chunk.finishReason, usage));
          else {
            const whole = completionBody(kind, envelope, text + chunk.text, chunk.finishReason, usage);
            sendJson(response, 200, whole, corsHeaders(request, access.corsOrigin));
          }
          return;
        }
        text += chunk.text;
        if (stream) response.write(writer.text(chunk.text));
      }
    } finally {
      release();
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse, controller: AbortController) {
    const path = (request.url ?? '/').split('?')[0]!;
    if (closing)
      throw new RequestError('the server is shutting down', {
        status: 503,
        headers: { connection: 'close' },
      });
    if (request.method === 'GET' && path === '/health')
      return sendJson(response, 200, {
        status: 'ok',
        model: engine.modelId,
        active: queue.active,
        waiting: queue.waiting,
      });
    if (request.method === 'GET' && (path === '/favicon.ico' || path === '/favicon.svg')) {
      response.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' });
      return void response.end(FAVICON_SVG);
    }
    if (request.method === 'GET' && path === '/' && webUi) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY' });
      return void response.end(
        webUiHtml({ modelId: engine.modelId, requiresKey: access.apiKey !== undefined }),
      );
    }
    if (path.startsWith('/v1/')) {
      if (request.method === 'OPTIONS') {
        response.writeHead(204, preflight(request, access.corsOrigin));
        return void response.end();
      }
      checkAccess(request, access);
      const cors = corsHeaders(request, access.corsOrigin);
      const model = { id: engine.modelId, object: 'model', created: 0, owned_by: 'lawgpt' };
      if (request.method === 'GET' && path === '/v1/models')
        return sendJson(response, 200, { object: 'list', data: [model] }, cors);
      if (request.method === 'GET' && path.startsWith('/v1/models/')) {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        if (id === engine.modelId) return sendJson(response, 200, model, cors);
        throw new RequestError(`The model '${id}' does not exist`, {
          status: 404,
          param: 'model',
          code: 'model_not_found',
        });
      }
      if (request.method === 'POST' && path === '/v1/chat/completions')
        return complete('chat', request, response, controller);
      if (request.method === 'POST' && path === '/v1/completions')
        return complete('text', request, response, controller);
    }
    throw new RequestError(`no route for ${request.method} ${path}`, { status: 404 });
  }

  const http = createServer(
    { headersTimeout: bodyTimeoutMs, requestTimeout: bodyTimeoutMs * 2, connectionsCheckingInterval: 1000 },
    (request, response) => {
      const started = performance.now();
      let settle!: () => void;
      const entry: Active = {
        controller: new AbortController(),
        done: new Promise((resolve) => (settle = resolve)),
      };
      active.add(entry);
      response.on('close', () => {
        if (!response.writableFinished) entry.controller.abort();
      });
      route(request, response, entry.controller)
        .catch((error: unknown) =>
          sendError(request, response, error, { corsOrigin: access.corsOrigin, log }),
        )
        .finally(() => {
          active.delete(entry);
          settle();
          log?.(
            `${request.method} ${request.url} ${response.statusCode} ${Math.round(performance.now() - started)}ms`,
          );
        });
    },
  );

  return {
    http,
    get activeRequests() {
      return active.size;
    },
    async listen({ host = '127.0.0.1', port = 0 } = {}) {
      if (access.allowedHosts === undefined && isLoopback(host)) access.allowedHosts = loopbackHosts;
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      const address = http.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { host: address.address, port: address.port, url: `http://${shown}:${address.port}` };
    },
    shutdown({ graceMs = 10_000 } = {}) {
      // a second call (a second Ctrl-C) with less grace cuts the wait short
      if (shutting) {
        if (graceMs === 0) endGrace?.();
        return shutting;
      }
      shutting = drain(graceMs);
      return shutting;
    },
  };

  async function drain(graceMs: number): Promise<ShutdownReport> {
    closing = true;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    const inFlight = [...active];
    await settledWithin(inFlight, graceMs, (end) => (endGrace = end));
    const left = [...active];
    const reason = new RequestError('the server is shutting down', {
      status: 503,
      code: 'server_shutting_down',
    });
    for (const entry of left) entry.controller.abort(reason);
    // an aborted generation stops within one token; the bound only guards against a stuck engine
    await settledWithin(left, 2000);
    http.closeAllConnections();
    await closed;
    return { finished: inFlight.length - left.length, aborted: left.length };
  }
}
