import { generate, type LlamaModel, type TextTokenizer } from '@lawgpt/llama-core';
import type { CompletionEngine } from './completion-engine.js';

/** Options for {@link createLlamaEngine}. */
export interface LlamaEngineOptions {
  model: LlamaModel;
  tokenizer: TextTokenizer;
  /** Name reported by `/v1/models` and in responses. */
  modelId: string;
  /** Generate past `max_position_embeddings` (default false: stop there, finish_reason `length`). */
  allowLongContext?: boolean;
  /** Receives generation warnings (each kind once). */
  onWarning?: (message: string) => void;
}

/** A {@link CompletionEngine} over a llama-core model: every sampling setting of the request is used. */
export function createLlamaEngine({
  model,
  tokenizer,
  modelId,
  allowLongContext = false,
  onWarning,
}: LlamaEngineOptions): CompletionEngine {
  return {
    modelId,
    async *complete(request) {
      const inputIds = tokenizer.encode(request.prompt, { addBos: true });
      let completionTokens = 0;
      const chunks = generate({
        model,
        tokenizer,
        inputIds,
        maxNewTokens: request.maxTokens,
        doSample: request.temperature > 0 && request.numBeams === 1,
        temperature: request.temperature > 0 ? request.temperature : 1,
        topP: request.topP,
        topK: request.topK,
        repetitionPenalty: request.repetitionPenalty,
        numBeams: request.numBeams,
        stopStrings: request.stop,
        seed: request.seed,
        signal: request.signal,
        allowLongContext,
        onWarning,
      });
      for await (const chunk of chunks) {
        completionTokens += chunk.tokenIds.length;
        if (!chunk.finishReason) {
          yield { text: chunk.text };
          continue;
        }
        yield {
          text: chunk.text,
          finishReason: chunk.finishReason === 'length' ? 'length' : 'stop',
          usage: { promptTokens: inputIds.length, completionTokens },
        };
      }
    },
  };
}
