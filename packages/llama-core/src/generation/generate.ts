import { InputError } from '../errors.js';
import { createRng } from '../random.js';
import { beamSearch } from './beam-search.js';
import { contextBudget } from './context-limit.js';
import type { GenerateChunk, GenerateOptions } from './generate-options.js';
import { lastLogits, samplingProcessor } from './next-token.js';
import { isSampling, resolveEos, resolvePrompt } from './resolve-options.js';
import { argmax, sampleToken } from './sampler.js';
import { checkStop, type FinishReason } from './stopping.js';
import { TextStreamer } from './text-streamer.js';

/**
 * Generate a continuation, streamed: an `AsyncIterable` of `{ text, tokenIds, finishReason? }`
 * (one chunk per token; beam search yields one chunk at the end). The KV cache and every
 * intermediate tensor are freed when the iteration ends or is abandoned.
 */
export async function* generate(options: GenerateOptions): AsyncGenerator<GenerateChunk> {
  const { model, tokenizer, maxNewTokens = 128, numBeams = 1, stopStrings = [], signal } = options;
  const promptIds = resolvePrompt(options);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1)
    throw new InputError('maxNewTokens', 'an integer >= 1', maxNewTokens);
  const eosTokenIds = resolveEos(options);
  const budget = contextBudget(options, promptIds.length, maxNewTokens);
  if (budget.maxNewTokens === 0) {
    budget.warnStopped();
    yield { text: '', tokenIds: [], finishReason: 'length' };
    return;
  }
  if (numBeams > 1) {
    const chunk = await beamSearch({
      ...options,
      promptIds,
      eosTokenIds,
      maxNewTokens: budget.maxNewTokens,
      numBeams,
    });
    if (chunk.finishReason === 'length' && budget.limited) budget.warnStopped();
    yield chunk;
    return;
  }
  const processor = samplingProcessor(options);
  const doSample = isSampling(options);
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const streamer = tokenizer ? new TextStreamer(tokenizer, promptIds, stopStrings) : undefined;
  const ids = [...promptIds];
  const cache = model.createCache({ dtype: options.kvCacheDtype });
  try {
    let logits = await lastLogits(model, [promptIds], cache);
    for (let count = 1; ; count++) {
      const scores = processor(ids, logits[0]);
      const token = doSample ? sampleToken(scores, rng) : argmax(scores);
      ids.push(token);
      const stopping = { maxNewTokens: budget.maxNewTokens, eosTokenIds };
      let finishReason: FinishReason | undefined = checkStop(stopping, token, count);
      if (finishReason === 'length' && budget.limited) budget.warnStopped();
      let text = '';
      if (streamer && finishReason !== 'eos') text = streamer.push([token]);
      if (streamer?.stopped) finishReason = 'stop';
      if (!finishReason && signal?.aborted) finishReason = 'abort';
      if (finishReason && streamer) text += streamer.flush();
      yield finishReason ? { text, tokenIds: [token], finishReason } : { text, tokenIds: [token] };
      if (finishReason) return;
      logits = await lastLogits(model, [[token]], cache);
    }
  } finally {
    cache.dispose();
  }
}
