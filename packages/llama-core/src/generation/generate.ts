import { InputError } from '../errors.js';
import { createRng } from '../random.js';
import { beamSearch } from './beam-search.js';
import type { GenerateChunk, GenerateOptions } from './generate-options.js';
import { lastLogits, samplingProcessor } from './next-token.js';
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
  if (numBeams > 1) {
    yield await beamSearch({ ...options, promptIds, eosTokenIds, maxNewTokens, numBeams });
    return;
  }
  const processor = samplingProcessor(options);
  const doSample =
    options.temperature !== 0 &&
    (options.doSample ??
      (options.temperature !== undefined || options.topK !== undefined || options.topP !== undefined));
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const streamer = tokenizer ? new TextStreamer(tokenizer, promptIds, stopStrings) : undefined;
  const ids = [...promptIds];
  const cache = model.createCache();
  try {
    let logits = await lastLogits(model, [promptIds], cache);
    for (let count = 1; ; count++) {
      const scores = processor(ids, logits[0]);
      const token = doSample ? sampleToken(scores, rng) : argmax(scores);
      ids.push(token);
      let finishReason: FinishReason | undefined = checkStop({ maxNewTokens, eosTokenIds }, token, count);
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

function resolvePrompt({ inputIds, prompt, tokenizer, addBos = true, model }: GenerateOptions): number[] {
  if (inputIds !== undefined && prompt !== undefined)
    throw new InputError('inputIds/prompt', 'one of them, not both', 'both');
  if (prompt !== undefined) {
    if (!tokenizer) throw new InputError('tokenizer', 'a tokenizer when `prompt` is given', undefined);
    const ids = tokenizer.encode(prompt, { addBos });
    if (ids.length === 0)
      throw new InputError('prompt', 'text that encodes to at least one token (or addBos)', prompt);
    return ids;
  }
  if (!Array.isArray(inputIds) || inputIds.length === 0)
    throw new InputError('inputIds', 'a non-empty number[]', inputIds);
  const vocab = model.config.vocabSize;
  for (const id of inputIds) {
    if (!Number.isInteger(id) || id < 0 || id >= vocab)
      throw new InputError('inputIds', `token ids in [0, ${vocab})`, id);
  }
  return [...inputIds];
}

function resolveEos({ eosTokenId, tokenizer, model }: GenerateOptions): number[] {
  if (eosTokenId !== undefined) return Array.isArray(eosTokenId) ? eosTokenId : [eosTokenId];
  if (tokenizer?.eosId !== undefined) return [tokenizer.eosId];
  return model.config.eosTokenIds;
}
