/** Sampling settings of one request, as the OpenAI API names them (camelCase). */
export interface CompletionRequest {
  prompt: string;
  /** Most new tokens (OpenAI `max_tokens`). */
  maxTokens: number;
  temperature: number;
  topP: number;
  /** Extension: top-k (0 = off). */
  topK: number;
  /** Extension: repetition penalty (1 = off). */
  repetitionPenalty: number;
  /** Extension: beam search width (1 = sampling/greedy). */
  numBeams: number;
  stop: string[];
  seed?: number;
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
