import type { ChatMessage } from './chat-prompt.js';

/** An invalid request: answered with HTTP 400 and an OpenAI-style error naming `param`. */
export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    message: string,
    readonly param: string | null,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Sampling fields common to chat and text completions, validated, with defaults. */
export interface SamplingFields {
  maxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  repetitionPenalty: number;
  numBeams: number;
  stop: string[];
  seed?: number;
  stream: boolean;
}

function numberField(
  body: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RequestError(
      `'${name}' must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`,
      name,
    );
  }
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
  if (!Number.isInteger(value)) throw new RequestError(`'${name}' must be an integer, got ${value}`, name);
  return value;
}

/** Validate the sampling fields of a request body (OpenAI names, plus top_k, repetition_penalty, num_beams). */
export function parseSampling(body: Record<string, unknown>, defaultMaxTokens: number): SamplingFields {
  const stopValue = body.stop ?? [];
  const stop = typeof stopValue === 'string' ? [stopValue] : stopValue;
  if (!Array.isArray(stop) || !stop.every((entry) => typeof entry === 'string')) {
    throw new RequestError("'stop' must be a string or an array of strings", 'stop');
  }
  if (body.n !== undefined && body.n !== 1) throw new RequestError("only 'n' = 1 is supported", 'n');
  const maxName = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  return {
    maxTokens: integerField(body, maxName, defaultMaxTokens, 1, 1 << 20),
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
  };
}

/** Validate `messages` of a chat request. */
export function parseMessages(body: Record<string, unknown>): ChatMessage[] {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new RequestError("'messages' must be a non-empty array", 'messages');
  }
  return messages.map((message, index) => {
    const entry = message as Record<string, unknown>;
    if (!['system', 'user', 'assistant'].includes(entry?.role as string)) {
      throw new RequestError(
        `messages[${index}].role must be system, user or assistant`,
        `messages[${index}].role`,
      );
    }
    const content = Array.isArray(entry.content)
      ? entry.content.map((part: { text?: string }) => part?.text ?? '').join('')
      : entry.content;
    if (typeof content !== 'string') {
      throw new RequestError(`messages[${index}].content must be a string`, `messages[${index}].content`);
    }
    return { role: entry.role as ChatMessage['role'], content };
  });
}

/** Validate `prompt` of a text completion request. */
export function parsePrompt(body: Record<string, unknown>): string {
  const prompt = Array.isArray(body.prompt) && body.prompt.length === 1 ? body.prompt[0] : body.prompt;
  if (typeof prompt !== 'string') throw new RequestError("'prompt' must be a string", 'prompt');
  return prompt;
}
