import type { SamplingFields } from './openai-request.js';

/** One completion request: the prompt and the validated sampling fields of the HTTP request. */
export interface CompletionRequest extends Omit<SamplingFields, 'stream'> {
  prompt: string;
  signal: AbortSignal;
}

/** One streamed piece of a completion. */
export interface CompletionChunk {
  /** New text since the previous chunk (never a split character). */
  text: string;
  /** Set on the last chunk. */
  finishReason?: 'stop' | 'length';
  /** Token counts, set on the last chunk. */
  usage?: { promptTokens: number; completionTokens: number };
}

/** What the server needs from a model: a streaming completion. */
export interface CompletionEngine {
  /** Model id reported by `/v1/models`. */
  modelId: string;
  complete(request: CompletionRequest): AsyncIterable<CompletionChunk>;
}
