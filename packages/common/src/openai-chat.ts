// The one OpenAI-compatible chat-completions transport of the project: a concurrency limit, per-attempt
// timeouts, retries with exponential backoff on 429/5xx/timeouts/network errors, `Retry-After`, and abort.
// Failures are `OpenAIRequestError`s with a `kind`; each package wraps them into its own error classes.

/** One chat message. */
export interface OpenAIChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A chat-completions request. */
export interface OpenAIChatRequest {
  messages: OpenAIChatMessage[];
  temperature?: number;
  topP?: number;
  /** Sent as `max_tokens`. */
  maxTokens?: number;
  stop?: string[];
  /** Aborts this request (and its backoff waits). */
  signal?: AbortSignal;
}

/** The first choice of a chat-completions response. */
export interface OpenAIChatCompletion {
  content: string;
  /** `stop`, `length`, … as the endpoint reports it. */
  finishReason: string | null;
  usage?: { promptTokens: number; completionTokens: number };
  /** Attempts it took (1 when the first succeeded). */
  attempts: number;
}

/** What the client reports before it waits to retry. */
export interface OpenAIRetryInfo {
  attempt: number;
  delayMs: number;
  /** HTTP status, `timeout` or `network`. */
  reason: number | 'timeout' | 'network';
}

/** Options of {@link createOpenAIChat}. */
export interface OpenAIChatOptions {
  /** Base URL of an OpenAI-compatible API, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when given. */
  apiKey?: string;
  model: string;
  /** Requests in flight at once. Default unlimited (the caller's pool decides). */
  concurrency?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors. Default 5. */
  maxRetries?: number;
  /** Per-attempt timeout in ms. Default 60,000. */
  timeoutMs?: number;
  /** First backoff delay; doubles on each retry. Default 1,000 ms. */
  initialBackoffMs?: number;
  /** Backoff ceiling (also caps `Retry-After`). Default 30,000 ms. */
  maxBackoffMs?: number;
  /** `fetch` to use (tests, proxies). Default the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
  onRetry?: (info: OpenAIRetryInfo) => void;
}

/** An OpenAI-compatible chat-completions client. */
export interface OpenAIChat {
  readonly model: string;
  /** The `…/chat/completions` URL requests go to. */
  readonly url: string;
  complete(request: OpenAIChatRequest): Promise<OpenAIChatCompletion>;
}

/**
 * Why a request failed: `http` an error status (at once for 4xx other than 429, else after all retries),
 * `timeout` / `network` after all retries, `response` a 2xx body that is not a chat completion, `aborted` a signal.
 */
export type OpenAIFailure = 'http' | 'timeout' | 'network' | 'response' | 'aborted';

/** A failed chat-completions request; packages turn it into their own error classes. */
export class OpenAIRequestError extends Error {
  override name = 'OpenAIRequestError';
  readonly kind: OpenAIFailure;
  readonly url: string;
  /** Attempts made (0 when aborted before the first). */
  readonly attempts: number;
  /** HTTP status, for `http` (and `response`, the 2xx status). */
  readonly status: number | undefined;
  /** The response body (or the error's message for `timeout` / `network`). */
  readonly detail: string;
  /** For `response`: the field that was missing. */
  readonly field: string | undefined;
  constructor(options: {
    kind: OpenAIFailure;
    url: string;
    attempts: number;
    status?: number;
    detail?: string;
    field?: string;
    cause?: unknown;
  }) {
    const { kind, url, attempts, status, detail = '', field } = options;
    const what =
      kind === 'http'
        ? `answered HTTP ${status}`
        : kind === 'response'
          ? `response lacks "${field}"`
          : kind === 'timeout'
            ? 'timed out'
            : kind === 'network'
              ? 'unreachable'
              : 'request aborted';
    super(`${url} ${what} after ${attempts} attempt(s)${detail ? `: ${detail.slice(0, 200)}` : ''}`, {
      cause: options.cause,
    });
    this.kind = kind;
    this.url = url;
    this.attempts = attempts;
    this.status = status;
    this.detail = detail;
    this.field = field;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, aborted: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A counting semaphore. */
function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

interface RawCompletion {
  choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

function parseCompletion(url: string, status: number, text: string, attempts: number): OpenAIChatCompletion {
  let raw: RawCompletion;
  try {
    raw = JSON.parse(text) as RawCompletion;
  } catch {
    throw new OpenAIRequestError({
      kind: 'response',
      url,
      attempts,
      status,
      field: 'JSON body',
      detail: text,
    });
  }
  const choice = raw?.choices?.[0];
  if (!choice || typeof choice.message?.content !== 'string') {
    const field = 'choices[0].message.content';
    throw new OpenAIRequestError({ kind: 'response', url, attempts, status, field, detail: text });
  }
  const completion: OpenAIChatCompletion = {
    content: choice.message.content,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    attempts,
  };
  if (raw.usage) {
    completion.usage = {
      promptTokens: raw.usage.prompt_tokens ?? 0,
      completionTokens: raw.usage.completion_tokens ?? 0,
    };
  }
  return completion;
}

/** Create a client. Non-retryable statuses (400, 401, 403, 404, …) fail at once with kind `http`. */
export function createOpenAIChat(options: OpenAIChatOptions): OpenAIChat {
  const {
    baseUrl,
    apiKey,
    model,
    concurrency = Number.POSITIVE_INFINITY,
    maxRetries = 5,
    timeoutMs = 60000,
    initialBackoffMs = 1000,
    maxBackoffMs = 30000,
    fetch: fetchImpl = globalThis.fetch,
    signal: clientSignal,
    onRetry,
  } = options;
  const url = `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const limit = createLimiter(concurrency);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;

  function send(request: OpenAIChatRequest, signal: AbortSignal | undefined): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const body = JSON.stringify({
      model,
      messages: request.messages,
      temperature: request.temperature,
      top_p: request.topP,
      max_tokens: request.maxTokens,
      stop: request.stop,
    });
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    return fetchImpl(url, { method: 'POST', headers, body, signal: combined });
  }

  async function completeOnce(request: OpenAIChatRequest): Promise<OpenAIChatCompletion> {
    const signals = [clientSignal, request.signal].filter((item): item is AbortSignal => item !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let attempts = 0;
    const aborted = () => new OpenAIRequestError({ kind: 'aborted', url, attempts, cause: signal?.reason });
    for (;;) {
      if (signal?.aborted) throw aborted();
      attempts++;
      let reason: OpenAIRetryInfo['reason'];
      let retryAfterMs = 0;
      try {
        const response = await send(request, signal);
        const text = await response.text();
        if (response.ok) return parseCompletion(url, response.status, text, attempts);
        const { status } = response;
        if ((status !== 429 && status < 500) || attempts > maxRetries)
          throw new OpenAIRequestError({ kind: 'http', url, attempts, status, detail: text });
        reason = status;
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
      } catch (error) {
        if (error instanceof OpenAIRequestError) throw error;
        if (signal?.aborted) throw aborted();
        reason = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
        if (attempts > maxRetries)
          throw new OpenAIRequestError({ kind: reason, url, attempts, detail: (error as Error).message });
      }
      const delayMs = Math.min(maxBackoffMs, Math.max(retryAfterMs, initialBackoffMs * 2 ** (attempts - 1)));
      onRetry?.({ attempt: attempts, delayMs, reason });
      await sleep(delayMs, signal, aborted);
    }
  }

  return { model, url, complete: (request) => limit(() => completeOnce(request)) };
}
