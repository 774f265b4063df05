import { createOpenAIChat, type OpenAIChatMessage, OpenAIRequestError } from '@lawgpt/common';
import { EvalEndpointError, EvalOptionError } from '../errors.js';
import type { GenerateOptions, TextGenerator } from './text-generator.js';

/** Options of {@link openAiGenerator}. */
export interface OpenAiGeneratorOptions {
  /** Base URL of an OpenAI-compatible API, e.g. `http://localhost:8000/v1` (vLLM) or `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Bearer token (omit for local servers that need none). */
  apiKey?: string;
  /** Model name the server knows. */
  model: string;
  /** Sampling temperature (default 0: greedy, as LawBench evaluates). */
  temperature?: number;
  /** Default `max_tokens` when a call gives no `maxNewTokens`. */
  maxTokens?: number;
  /** Optional system message. */
  system?: string;
  /** Retries of a request after 429, 5xx, a timeout or a network error (`Retry-After` honoured). Default 2. */
  maxRetries?: number;
  /** Per-attempt timeout in ms. Default 600,000 (a long generation on a busy server). */
  timeoutMs?: number;
  /** First backoff delay; doubles on each retry. Default 1,000 ms. */
  initialBackoffMs?: number;
  /** Called before each wait to retry. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: number | 'timeout' | 'network' }) => void;
  /** `fetch` to use (default: global fetch). */
  fetch?: typeof fetch;
}

/** The transport's failure as this package's error; an abort stays an `AbortError`. */
function endpointError(error: unknown): unknown {
  if (!(error instanceof OpenAIRequestError)) return error;
  const { kind, url, status, detail, attempts } = error;
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (kind === 'aborted') return error.cause ?? new DOMException('request aborted', 'AbortError');
  if (kind === 'http')
    return new EvalEndpointError(
      `${url} answered HTTP ${status}${tries}: ${detail.slice(0, 300)}`,
      url,
      status,
    );
  if (kind === 'response') {
    const what = error.field === 'JSON body' ? `non-JSON: ${detail.slice(0, 200)}` : `no ${error.field}`;
    return new EvalEndpointError(`${url} answered with ${what}`, url, status);
  }
  const why = kind === 'timeout' ? 'timed out' : detail;
  return new EvalEndpointError(`cannot reach ${url}${tries}: ${why}`, url);
}

/**
 * A {@link TextGenerator} over an OpenAI-compatible `POST /chat/completions` endpoint (OpenAI, vLLM, llama.cpp
 * server, …): the prompt is sent as one user message and the first choice's content is returned. Failed
 * requests are retried by the shared client (429, 5xx, timeouts, network errors); what still fails is an
 * {@link EvalEndpointError}, which the runners do not retry again.
 */
export function openAiGenerator(options: OpenAiGeneratorOptions): TextGenerator {
  const {
    baseUrl,
    apiKey,
    model,
    temperature = 0,
    maxTokens = 1024,
    system,
    maxRetries = 2,
    timeoutMs = 600000,
    initialBackoffMs = 1000,
    onRetry,
    fetch: fetchImpl,
  } = options;
  if (!baseUrl) throw new EvalOptionError('openAiGenerator needs baseUrl', 'baseUrl', 'a URL', baseUrl);
  if (!model) throw new EvalOptionError('openAiGenerator needs model', 'model', 'a model name', model);
  if (!(Number.isInteger(maxRetries) && maxRetries >= 0))
    throw new EvalOptionError(
      'maxRetries must be an integer ≥ 0',
      'maxRetries',
      'an integer ≥ 0',
      maxRetries,
    );
  const chat = createOpenAIChat({
    baseUrl,
    apiKey,
    model,
    maxRetries,
    timeoutMs,
    initialBackoffMs,
    onRetry,
    fetch: fetchImpl,
  });
  return {
    async generate(prompt: string, { maxNewTokens, signal }: GenerateOptions = {}): Promise<string> {
      const messages: OpenAIChatMessage[] = [
        ...(system ? [{ role: 'system' as const, content: system }] : []),
        { role: 'user', content: prompt },
      ];
      const request = { messages, temperature, maxTokens: maxNewTokens ?? maxTokens, signal };
      try {
        return (await chat.complete(request)).content;
      } catch (error) {
        throw endpointError(error);
      }
    },
  };
}
