import type { TextGenerator, TextScorer } from '@lawgpt/eval';
import { generate, type LlamaModel, type TextTokenizer } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs';

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
    async logProbs(text) {
      const ids = tokenizer.encode(text, { addBos: true });
      if (ids.length < 2) return [];
      // [1, seq, vocab] → log-softmax → the log-probability of each next token
      const picked = tf.tidy(() => {
        const logits = model.forward([ids]);
        const logProbabilities = tf.logSoftmax(tf.squeeze(logits, [0]));
        const rows = tf.range(0, ids.length - 1, 1, 'int32');
        const targets = tf.tensor1d(ids.slice(1), 'int32');
        return tf.gatherND(logProbabilities, tf.stack([rows, targets], 1));
      });
      const values = Array.from(await picked.data());
      picked.dispose();
      return values;
    },
  };
}
