import {
  DataGenAbortError,
  DataGenOptionError,
  TeacherHttpError,
  TeacherResponseError,
  TeacherUnreachableError,
} from './errors.js';

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A chat-completions request. */
export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  signal?: AbortSignal;
}

/** The first choice of a chat-completions response. */
export interface ChatCompletion {
  content: string;
  /** `stop`, `length`, … as the endpoint reports it. */
  finishReason: string | null;
  usage?: { promptTokens: number; completionTokens: number };
  /** Attempts it took (1 when the first succeeded). */
  attempts: number;
}

/** What the client reports before it waits to retry. */
export interface RetryInfo {
  attempt: number;
  delayMs: number;
  /** HTTP status, `timeout` or `network`. */
  reason: number | 'timeout' | 'network';
}

/** Options of {@link createChatClient}. */
export interface ChatClientOptions {
  /** Base URL of an OpenAI-compatible API, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when given. */
  apiKey?: string;
  model: string;
  /** Requests in flight at once. Default 4. */
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
  onRetry?: (info: RetryInfo) => void;
}

/** An OpenAI-compatible chat-completions client with a concurrency limit, retries and timeouts. */
export interface ChatClient {
  readonly model: string;
  complete(request: ChatRequest): Promise<ChatCompletion>;
}

function abortError(): DataGenAbortError {
  return new DataGenAbortError('teacher request aborted');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
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

/** Create a chat client. Non-retryable statuses (400, 401, 403, 404, …) throw `TeacherHttpError` at once. */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const {
    baseUrl,
    apiKey,
    model,
    concurrency = 4,
    maxRetries = 5,
    timeoutMs = 60000,
    initialBackoffMs = 1000,
    maxBackoffMs = 30000,
    fetch: fetchImpl = globalThis.fetch,
    signal: clientSignal,
    onRetry,
  } = options;
  if (!/^https?:\/\//.test(baseUrl))
    throw new DataGenOptionError({ field: 'baseUrl', expected: 'an http(s) URL', actual: baseUrl });
  if (!(concurrency >= 1))
    throw new DataGenOptionError({ field: 'concurrency', expected: 'an integer ≥ 1', actual: concurrency });
  const url = `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const limit = createLimiter(concurrency);

  async function attempt(request: ChatRequest, signal: AbortSignal | undefined): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const body = {
      model,
      messages: request.messages,
      temperature: request.temperature,
      top_p: request.topP,
      max_tokens: request.maxTokens,
      stop: request.stop,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    return fetchImpl(url, { method: 'POST', headers, body: JSON.stringify(body), signal: combined });
  }

  async function completeOnce(request: ChatRequest): Promise<ChatCompletion> {
    const signals = [clientSignal, request.signal].filter((item): item is AbortSignal => item !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (signal?.aborted) throw abortError();
      let reason: RetryInfo['reason'];
      let retryAfterMs = 0;
      let detail = '';
      try {
        const response = await attempt(request, signal);
        const text = await response.text();
        if (response.ok) return parseCompletion(text, attemptNumber);
        if (response.status !== 429 && response.status < 500) {
          throw new TeacherHttpError({ url, status: response.status, body: text, attempts: attemptNumber });
        }
        reason = response.status;
        detail = text;
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
        if (attemptNumber > maxRetries)
          throw new TeacherHttpError({ url, status: response.status, body: text, attempts: attemptNumber });
      } catch (error) {
        if (error instanceof TeacherHttpError || error instanceof TeacherResponseError) throw error;
        if (signal?.aborted) throw abortError();
        const timedOut = (error as Error).name === 'TimeoutError';
        if (error instanceof TeacherUnreachableError) throw error;
        reason = timedOut ? 'timeout' : 'network';
        detail = (error as Error).message;
        if (attemptNumber > maxRetries) {
          throw new TeacherUnreachableError({ url, attempts: attemptNumber, reason, detail });
        }
      }
      const delayMs = Math.min(
        maxBackoffMs,
        Math.max(retryAfterMs, initialBackoffMs * 2 ** (attemptNumber - 1)),
      );
      onRetry?.({ attempt: attemptNumber, delayMs, reason });
      await sleep(delayMs, signal);
    }
  }

  function parseCompletion(text: string, attempts: number): ChatCompletion {
    let raw: RawCompletion;
    try {
      raw = JSON.parse(text) as RawCompletion;
    } catch {
      throw new TeacherResponseError({ url, field: 'JSON body', body: text });
    }
    const choice = raw.choices?.[0];
    if (!choice || typeof choice.message?.content !== 'string') {
      throw new TeacherResponseError({ url, field: 'choices[0].message.content', body: text });
    }
    const completion: ChatCompletion = {
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

  return { model, complete: (request) => limit(() => completeOnce(request)) };
}
