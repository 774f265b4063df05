import type { KVCache } from '../kv-cache.js';
import type { LlamaModel } from '../model.js';
import type { GenerateOptions } from './generate-options.js';
import { composeProcessors, type LogitsProcessor } from './logits-processor.js';
import { repetitionPenaltyProcessor } from './repetition-penalty.js';
import { temperatureProcessor } from './temperature.js';
import { topKProcessor } from './top-k.js';
import { topPProcessor } from './top-p.js';

/** Next-token logits of each row (last position), read back to JS. */
export async function lastLogits(
  model: LlamaModel,
  inputIds: number[][],
  cache: KVCache,
  attentionMask?: number[][],
): Promise<Float32Array[]> {
  const last = model.forward(inputIds, { cache, attentionMask, lastOnly: true });
  const [batch, , vocab] = last.shape;
  const values = (await last.data()) as Float32Array;
  last.dispose();
  return Array.from({ length: batch }, (_, row) => values.slice(row * vocab, (row + 1) * vocab));
}

/** Ids a tokenizer cannot decode (a model's padding rows beyond it, e.g. Qwen's) are never generated. */
function maskBeyond(size: number): LogitsProcessor {
  return (_ids, logits) => {
    logits.fill(Number.NEGATIVE_INFINITY, size);
    return logits;
  };
}

/**
 * HF order: repetition penalty, then temperature, top-k, top-p, then the caller's processors; before them, ids
 * at or beyond the tokenizer's `vocabSize` are masked.
 */
export function samplingProcessor(options: GenerateOptions): LogitsProcessor {
  const { temperature, topK = 0, topP = 1, repetitionPenalty = 1, logitsProcessors = [] } = options;
  const processors: LogitsProcessor[] = [];
  const decodable = options.tokenizer?.vocabSize;
  if (decodable !== undefined && decodable < options.model.config.vocabSize)
    processors.push(maskBeyond(decodable));
  if (repetitionPenalty !== 1) processors.push(repetitionPenaltyProcessor(repetitionPenalty));
  if (temperature !== undefined && temperature !== 0 && temperature !== 1)
    processors.push(temperatureProcessor(temperature));
  if (topK > 0) processors.push(topKProcessor(topK));
  if (topP < 1) processors.push(topPProcessor(topP));
  processors.push(...logitsProcessors);
  return composeProcessors(processors);
}
