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
  /** `fetch` to use (default: global fetch). */
  fetch?: typeof fetch;
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: string | null } }>;
}

/**
 * A {@link TextGenerator} over an OpenAI-compatible `POST /chat/completions` endpoint (OpenAI, vLLM, llama.cpp
 * server, …): the prompt is sent as one user message and the first choice's content is returned.
 */
export function openAiGenerator(options: OpenAiGeneratorOptions): TextGenerator {
  const {
    baseUrl,
    apiKey,
    model,
    temperature = 0,
    maxTokens = 1024,
    system,
    fetch: fetchImpl = globalThis.fetch,
  } = options;
  if (!baseUrl) throw new EvalOptionError('openAiGenerator needs baseUrl', 'baseUrl', 'a URL', baseUrl);
  if (!model) throw new EvalOptionError('openAiGenerator needs model', 'model', 'a model name', model);
  const url = `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    async generate(prompt: string, { maxNewTokens, signal }: GenerateOptions = {}): Promise<string> {
      const messages = [
        ...(system ? [{ role: 'system', content: system }] : []),
        { role: 'user', content: prompt },
      ];
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (apiKey) headers.authorization = `Bearer ${apiKey}`;
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model, messages, temperature, max_tokens: maxNewTokens ?? maxTokens }),
          signal,
        });
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        throw new EvalEndpointError(`cannot reach ${url}: ${(error as Error).message}`, url);
      }
      const text = await response.text();
      if (!response.ok) {
        throw new EvalEndpointError(
          `${url} answered HTTP ${response.status}: ${text.slice(0, 300)}`,
          url,
          response.status,
        );
      }
      let body: ChatCompletion;
      try {
        body = JSON.parse(text) as ChatCompletion;
      } catch {
        throw new EvalEndpointError(
          `${url} answered with non-JSON: ${text.slice(0, 200)}`,
          url,
          response.status,
        );
      }
      const content = body.choices?.[0]?.message?.content;
      if (typeof content !== 'string') {
        throw new EvalEndpointError(
          `${url}: response has no choices[0].message.content`,
          url,
          response.status,
        );
      }
      return content;
    },
  };
}
