import {
  createOpenAIChat,
  type OpenAIChatCompletion,
  type OpenAIChatMessage,
  type OpenAIChatOptions,
  type OpenAIChatRequest,
  OpenAIRequestError,
  type OpenAIRetryInfo,
} from '@lawgpt/common';
import {
  DataGenAbortError,
  DataGenOptionError,
  TeacherHttpError,
  TeacherResponseError,
  TeacherUnreachableError,
} from './errors.js';

/** One chat message. */
export type ChatMessage = OpenAIChatMessage;

/** A chat-completions request. */
export type ChatRequest = OpenAIChatRequest;

/** The first choice of a chat-completions response. */
export type ChatCompletion = OpenAIChatCompletion;

/** What the client reports before it waits to retry. */
export type RetryInfo = OpenAIRetryInfo;

/** Options of {@link createChatClient}: the shared client's, with a default of 4 requests in flight. */
export interface ChatClientOptions extends OpenAIChatOptions {
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
}

/** An OpenAI-compatible chat-completions client with a concurrency limit, retries and timeouts. */
export interface ChatClient {
  readonly model: string;
  complete(request: ChatRequest): Promise<ChatCompletion>;
}

/** The transport's failure as this package's error. */
function teacherError(error: unknown): unknown {
  if (!(error instanceof OpenAIRequestError)) return error;
  const { kind, url, attempts, status, detail, field } = error;
  if (kind === 'aborted') return new DataGenAbortError('teacher request aborted', { cause: error });
  if (kind === 'http') return new TeacherHttpError({ url, status: status ?? 0, body: detail, attempts });
  if (kind === 'response') return new TeacherResponseError({ url, field: field ?? '', body: detail });
  return new TeacherUnreachableError({ url, attempts, reason: kind, detail });
}

/**
 * Create a chat client (the shared OpenAI transport, with this package's errors). Non-retryable statuses
 * (400, 401, 403, 404, …) throw `TeacherHttpError` at once; 429/5xx/timeouts/network errors are retried.
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const { baseUrl, concurrency = 4 } = options;
  if (!/^https?:\/\//.test(baseUrl))
    throw new DataGenOptionError({ field: 'baseUrl', expected: 'an http(s) URL', actual: baseUrl });
  if (!(concurrency >= 1))
    throw new DataGenOptionError({ field: 'concurrency', expected: 'an integer ≥ 1', actual: concurrency });
  const chat = createOpenAIChat({ ...options, concurrency });
  return {
    model: chat.model,
    complete: (request) =>
      chat.complete(request).catch((error: unknown) => {
        throw teacherError(error);
      }),
  };
}
