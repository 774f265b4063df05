import * as tf from '@tensorflow/tfjs-core';
import { InputError } from './errors.js';
import type { LlamaModel } from './model.js';

/**
 * Resize the vocabulary to `size` rows (an extended tokenizer, as Chinese-LLaMA): new rows of
 * `embed_tokens` and `lm_head` are the mean of the old rows; shrinking keeps the first rows.
 * Updates `model.config.vocabSize` in place.
 */
export async function resizeTokenEmbeddings(model: LlamaModel, size: number): Promise<void> {
  const { vocabSize, hiddenSize } = model.config;
  if (!Number.isInteger(size) || size <= 0) throw new InputError('size', 'a positive integer', size);
  if (size === vocabSize) return;
  const names = ['model.embed_tokens.weight', ...(model.config.tieWordEmbeddings ? [] : ['lm_head.weight'])];
  const resized = new Map<string, Float32Array>();
  for (const name of names) {
    const old = await model.readParameter(name);
    const values = new Float32Array(size * hiddenSize);
    values.set(old.subarray(0, Math.min(size, vocabSize) * hiddenSize));
    if (size > vocabSize) {
      const meanTensor = tf.tidy(() => tf.mean(tf.tensor2d(old, [vocabSize, hiddenSize]), 0));
      const mean = (await meanTensor.data()) as Float32Array;
      meanTensor.dispose();
      for (let row = vocabSize; row < size; row++) values.set(mean, row * hiddenSize);
    }
    resized.set(name, values);
  }
  model.config.vocabSize = size;
  model.config.raw.vocab_size = size;
  model.refreshSpecs();
  for (const [name, values] of resized) await model.setParameter(name, values);
}
