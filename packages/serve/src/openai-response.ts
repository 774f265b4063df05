// The JSON shapes of OpenAI's chat and text completion responses, whole and streamed.
import type { CompletionChunk } from './completion-engine.js';

export type CompletionKind = 'chat' | 'text';

/** Token counts in OpenAI's naming. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function toUsage(usage: CompletionChunk['usage']): Usage | undefined {
  return (
    usage && {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    }
  );
}

/** Fields every response of one request shares. */
export interface Envelope {
  id: string;
  created: number;
  model: string;
}

/** A whole (non-streamed) response. */
export function completionBody(
  kind: CompletionKind,
  envelope: Envelope,
  text: string,
  finishReason: string,
  usage: Usage | undefined,
) {
  const choice =
    kind === 'chat'
      ? {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: finishReason,
        }
      : { index: 0, text, logprobs: null, finish_reason: finishReason };
  const object = kind === 'chat' ? 'chat.completion' : 'text_completion';
  return { ...envelope, object, choices: [choice], usage };
}

/**
 * Streamed chunks as OpenAI sends them: `role` only in the first chat chunk, the finish reason in the last
 * chunk with choices, and with `include_usage` a final chunk with `usage` and no choices (the others `usage: null`).
 */
export class ChunkWriter {
  private first = true;
  constructor(
    private readonly kind: CompletionKind,
    private readonly envelope: Envelope,
    private readonly includeUsage: boolean,
  ) {}

  private event(choices: unknown[], usage?: Usage | null): string {
    const object = this.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    const body: Record<string, unknown> = { ...this.envelope, object, choices };
    if (this.includeUsage) body.usage = usage ?? null;
    return `data: ${JSON.stringify(body)}\n\n`;
  }

  private choice(text: string, finishReason: string | null) {
    if (this.kind === 'text') return { index: 0, text, logprobs: null, finish_reason: finishReason };
    const delta: Record<string, string> = {};
    if (this.first) delta.role = 'assistant';
    if (text !== '' || this.first) delta.content = text;
    this.first = false;
    return { index: 0, delta, logprobs: null, finish_reason: finishReason };
  }

  /** The opening chunk (chat: the assistant role with empty content; text: nothing). */
  open(): string {
    return this.kind === 'chat' ? this.event([this.choice('', null)]) : '';
  }

  /** A chunk of new text. */
  text(text: string): string {
    return this.event([this.choice(text, null)]);
  }

  /** The closing chunks: finish reason, usage when asked, `[DONE]`. */
  close(text: string, finishReason: string, usage: Usage | undefined): string {
    let out = text !== '' ? this.text(text) : '';
    out += this.event([this.choice('', finishReason)]);
    if (this.includeUsage) out += this.event([], usage);
    return `${out}data: [DONE]\n\n`;
  }
}
