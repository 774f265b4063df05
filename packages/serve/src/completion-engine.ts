import type { ChatMessage } from '@lawgpt/tokenizer-legal';
import type { SamplingFields } from './openai-request.js';

/** One completion request: a conversation (chat) or a prompt (text), and the validated sampling fields. */
export interface CompletionRequest extends SamplingFields {
  /** The conversation, rendered with the chat template (chat completions). */
  messages?: ChatMessage[];
  /** The prompt text, used as is (text completions). */
  prompt?: string;
  /** Aborts the generation; it stops within one token. */
  signal?: AbortSignal;
}

/** One streamed piece of a completion. */
export interface CompletionChunk {
  /** New text since the previous chunk (never a split character, never part of a stop string). */
  text: string;
  /** Set on the last chunk: `abort` when the request's signal stopped it. */
  finishReason?: 'stop' | 'length' | 'abort';
  /** Token counts, set on the last chunk. */
  usage?: { promptTokens: number; completionTokens: number };
  /** Set on the last chunk of an aborted completion, where the engine can tell: tokens computed after the abort. */
  tokensAfterAbort?: number;
}

/** A started completion: the prompt was encoded and fits; `chunks` streams the answer. */
export interface Completion {
  promptTokens: number;
  /** `max_tokens` after capping to what the context leaves. */
  maxTokens: number;
  chunks: AsyncIterable<CompletionChunk>;
}

/** Memory of the process that generates (for tests and the bench). */
export interface EngineStats {
  /** Resident set size of the process, bytes. */
  rss: number;
  /** TensorFlow.js tensors alive, and their bytes. */
  tensors: number;
  tensorBytes: number;
}

/** What the server needs from a model. */
export interface CompletionEngine {
  /** Model id reported by `/v1/models` and checked against a request's `model`. */
  readonly modelId: string;
  /** Longest prompt + completion in tokens. */
  readonly contextLength: number;
  /**
   * Encode and check the prompt, then stream the answer. Rejects with a `RequestError` (400,
   * `context_length_exceeded`, both token counts in the message) when the prompt leaves no room.
   */
  complete(request: CompletionRequest): Promise<Completion>;
  /** Memory of the generating process, when the engine can tell. */
  stats?(): Promise<EngineStats>;
  /** Free the model (and stop the worker). */
  close?(): Promise<void>;
}
