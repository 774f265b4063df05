import type { ChatMessage } from '@lawgpt/tokenizer-legal';
import { RequestError } from './errors.js';

/** Sampling fields common to chat and text completions, validated, with defaults. */
export interface SamplingFields {
  /** `max_tokens` / `max_completion_tokens`; the engine caps it to what the context leaves. */
  maxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  repetitionPenalty: number;
  numBeams: number;
  stop: string[];
  seed?: number;
}

/** A validated request body: the sampling fields plus what shapes the response. */
export interface ParsedRequest extends SamplingFields {
  /** `model` as sent (undefined when absent). */
  model?: string;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  includeUsage: boolean;
}

const bad = (message: string, param: string) => new RequestError(message, { param });

function numberField(
  body: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw bad(`'${name}' must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`, name);
  return value;
}

function integerField(
  body: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  const value = numberField(body, name, fallback, min, max);
  if (!Number.isInteger(value)) throw bad(`'${name}' must be an integer, got ${value}`, name);
  return value;
}

/** Validate a request body (OpenAI names, plus the extensions top_k, repetition_penalty, num_beams). */
export function parseRequest(body: Record<string, unknown>, defaultMaxTokens: number): ParsedRequest {
  const stopValue = body.stop ?? [];
  const stop = typeof stopValue === 'string' ? [stopValue] : stopValue;
  if (
    !Array.isArray(stop) ||
    stop.length > 4 ||
    !stop.every((entry) => typeof entry === 'string' && entry !== '')
  )
    throw bad("'stop' must be a non-empty string or an array of up to 4 of them", 'stop');
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw bad("only 'n' = 1 is supported", 'n');
  if (body.model !== undefined && typeof body.model !== 'string')
    throw bad("'model' must be a string", 'model');
  const options = body.stream_options;
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options)))
    throw bad("'stream_options' must be an object", 'stream_options');
  if (options && body.stream !== true)
    throw bad("'stream_options' is only allowed with 'stream': true", 'stream_options');
  const maxName = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  return {
    model: body.model as string | undefined,
    maxTokens: integerField(body, maxName, defaultMaxTokens, 1, 2 ** 31 - 1),
    temperature: numberField(body, 'temperature', 1, 0, 2),
    topP: numberField(body, 'top_p', 1, 0, 1),
    topK: integerField(body, 'top_k', 0, 0, 1 << 20),
    repetitionPenalty: numberField(body, 'repetition_penalty', 1, 0.01, 10),
    numBeams: integerField(body, 'num_beams', 1, 1, 16),
    stop: stop as string[],
    seed:
      body.seed === undefined || body.seed === null
        ? undefined
        : integerField(body, 'seed', 0, -(2 ** 53), 2 ** 53),
    stream: body.stream === true,
    includeUsage: (options as { include_usage?: unknown } | undefined)?.include_usage === true,
  };
}

const ROLES: Record<string, string> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
};

/** Validate `messages` of a chat request (`developer` is read as `system`; content parts are joined). */
export function parseMessages(body: Record<string, unknown>): ChatMessage[] {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw bad("'messages' must be a non-empty array", 'messages');
  return messages.map((message, index) => {
    const entry = message as Record<string, unknown> | null;
    const role = typeof entry?.role === 'string' ? ROLES[entry.role] : undefined;
    if (!role)
      throw bad(
        `messages[${index}].role must be system, developer, user or assistant`,
        `messages[${index}].role`,
      );
    const raw = entry!.content;
    const content = Array.isArray(raw)
      ? raw
          .map((part: { type?: string; text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
          .join('')
      : raw;
    if (typeof content !== 'string')
      throw bad(`messages[${index}].content must be a string or text parts`, `messages[${index}].content`);
    return { role, content };
  });
}

/** Validate `prompt` of a text completion request (a string, or an array holding one). */
export function parsePrompt(body: Record<string, unknown>): string {
  const prompt = Array.isArray(body.prompt) && body.prompt.length === 1 ? body.prompt[0] : body.prompt;
  if (typeof prompt !== 'string') throw bad("'prompt' must be a string", 'prompt');
  return prompt;
}
