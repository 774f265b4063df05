import { type LlamaModel, resizeTokenEmbeddings } from '@lawgpt/llama-core';
import { savedModuleName } from './target-modules.js';

/** Options of {@link prepareVocabulary}. */
export interface PrepareVocabularyOptions {
  /** The base model, resized in place when the tokenizer has more ids than it has rows. */
  model: LlamaModel;
  /** The tokenizer the run trains with; only its `vocabSize` (number of ids) is read. */
  tokenizer: { vocabSize: number };
  /** `modules_to_save` asked for by the caller (left unchanged; the result holds the full list). Default none. */
  modulesToSave?: readonly string[];
}

/** What {@link prepareVocabulary} did. */
export interface PreparedVocabulary {
  /** The vocabulary resize, `undefined` when the model already had a row for every id. */
  resized?: { from: number; to: number };
  /**
   * `modulesToSave` and, after a resize, the modules whose new rows must be trained in full and saved with
   * the adapter (`embed_tokens`, and `lm_head` unless it is tied to the embedding), each once.
   */
  modulesToSave: string[];
}

/**
 * Fit a base model to an extended tokenizer before training (as Chinese-LLaMA): when the tokenizer has more
 * ids than the model has rows, `embed_tokens` and `lm_head` grow to the tokenizer's size (new rows = the mean of
 * the old rows, llama-core's `resizeTokenEmbeddings`), and both are added to `modules_to_save` so the new rows
 * train and ship in the adapter, as PEFT does. A model with as many rows or more is left as it is (whether a
 * smaller tokenizer fits is for llama-core's `checkVocabularies`, before the weights load).
 */
export async function prepareVocabulary({
  model,
  tokenizer,
  modulesToSave = [],
}: PrepareVocabularyOptions): Promise<PreparedVocabulary> {
  const saved = [...modulesToSave];
  const from = model.config.vocabSize;
  const to = tokenizer.vocabSize;
  if (!(to > from)) return { modulesToSave: saved };
  await resizeTokenEmbeddings(model, to);
  // a tied lm_head is the embedding: it trains and saves with embed_tokens
  const grown = model.config.tieWordEmbeddings ? ['embed_tokens'] : ['embed_tokens', 'lm_head'];
  for (const module of grown) {
    if (!saved.some((entry) => savedModuleName(entry) === savedModuleName(module))) saved.push(module);
  }
  return { resized: { from, to }, modulesToSave: saved };
}
