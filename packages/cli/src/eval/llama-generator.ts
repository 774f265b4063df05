import type { TextGenerator, TextScorer } from '@lawgpt/eval';
import { generate, type LlamaModel, type TextTokenizer, tokenLogProbs } from '@lawgpt/llama-core';

/** Options of {@link createLlamaGenerator}. */
export interface LlamaGeneratorOptions {
  model: LlamaModel;
  tokenizer: TextTokenizer;
  /** New tokens when a call gives no limit. Default 512. */
  defaultMaxNewTokens?: number;
  /** Generate past `max_position_embeddings` (default false: stop there). */
  allowLongContext?: boolean;
  /** Receives generation warnings (each kind once). */
  onWarning?: (message: string) => void;
}

/**
 * `@lawgpt/eval`'s `TextGenerator` and `TextScorer` over a local llama-core model: greedy answers (as
 * LawBench's own runs), and per-token log-probabilities for perplexity.
 */
export function createLlamaGenerator({
  model,
  tokenizer,
  defaultMaxNewTokens = 512,
  allowLongContext = false,
  onWarning,
}: LlamaGeneratorOptions): TextGenerator & TextScorer {
  return {
    async generate(prompt, { maxNewTokens = defaultMaxNewTokens, signal } = {}) {
      let text = '';
      const options = { model, tokenizer, prompt, maxNewTokens, signal, allowLongContext, onWarning };
      for await (const chunk of generate(options)) text += chunk.text;
      return text;
    },
    logProbs(text, { signal } = {}) {
      return tokenLogProbs({ model, inputIds: tokenizer.encode(text, { addBos: true }), signal });
    },
  };
}
