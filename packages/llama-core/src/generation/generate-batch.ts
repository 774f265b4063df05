import { InputError } from '../errors.js';
import { createRng } from '../random.js';
import { contextBudget } from './context-limit.js';
import type { GenerateOptions } from './generate-options.js';
import { lastLogits, samplingProcessor } from './next-token.js';
import { isSampling, resolveEos, resolvePrompt } from './resolve-options.js';
import { argmax, sampleToken } from './sampler.js';
import { checkStop, type FinishReason } from './stopping.js';
import { TextStreamer } from './text-streamer.js';

/** Options of {@link generateBatch}: those of `generate` (no beams), with many prompts. */
export interface GenerateBatchOptions extends Omit<GenerateOptions, 'inputIds' | 'prompt' | 'numBeams'> {
  /** Prompt token ids, one array per sequence. */
  inputIds?: number[][];
  /** Prompt texts (need `tokenizer`). */
  prompts?: string[];
  /** Id used for left padding (masked out). Default `config.pad_token_id`, else 0. */
  padTokenId?: number;
}

/** One finished sequence of {@link generateBatch}. */
export interface GenerateResult {
  text: string;
  tokenIds: number[];
  finishReason: FinishReason;
}

/**
 * Generate for several prompts at once: left-padded with an attention mask, decoded together
 * through one KV cache (one matMul per layer for all rows, which is what makes batching faster);
 * finished rows are dropped from the batch. Each row gives what `generate` would give it alone
 * when greedy; sampling draws from one RNG in row order, so the same seed gives the same results.
 */
export async function generateBatch(options: GenerateBatchOptions): Promise<GenerateResult[]> {
  const { model, tokenizer, maxNewTokens = 128, stopStrings = [], signal } = options;
  const prompts = resolvePrompts(options);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    throw new InputError('maxNewTokens', 'an integer >= 1', maxNewTokens);
  }
  const shared: GenerateOptions = { ...options, inputIds: undefined };
  const eosTokenIds = resolveEos(shared);
  const processor = samplingProcessor(shared);
  const doSample = isSampling(shared);
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const padTokenId = options.padTokenId ?? model.config.padTokenId ?? 0;
  const rows = prompts.map((ids) => ({
    ids: [...ids],
    tokens: [] as number[],
    streamer: tokenizer ? new TextStreamer(tokenizer, ids, stopStrings) : undefined,
    finishReason: undefined as FinishReason | undefined,
    // each row's positions start at 0 (left padding is masked), so each has its own context budget
    budget: contextBudget(options, ids.length, maxNewTokens),
  }));
  // a prompt that fills the context gets no token and stays out of the batch
  for (const row of rows.filter((row) => row.budget.maxNewTokens === 0)) {
    row.finishReason = 'length';
    row.budget.warnStopped();
  }
  let active = rows.flatMap((row, index) => (row.finishReason ? [] : [index]));
  if (active.length === 0) return rows.map(finished);
  const width = Math.max(...active.map((index) => prompts[index].length));
  const padded = active.map((index) => [
    ...new Array(width - prompts[index].length).fill(padTokenId),
    ...prompts[index],
  ]);
  const mask = active.map((index) => [
    ...new Array(width - prompts[index].length).fill(0),
    ...prompts[index].map(() => 1),
  ]);
  const cache = model.createCache({ dtype: options.kvCacheDtype });
  try {
    let logits = await lastLogits(model, padded, cache, mask);
    for (let count = 1; active.length > 0; count++) {
      for (const [position, index] of active.entries()) {
        const row = rows[index];
        const scores = processor(row.ids, logits[position]);
        const token = doSample ? sampleToken(scores, rng) : argmax(scores);
        row.ids.push(token);
        row.tokens.push(token);
        row.finishReason = checkStop({ maxNewTokens: row.budget.maxNewTokens, eosTokenIds }, token, count);
        if (row.finishReason === 'length' && row.budget.limited) row.budget.warnStopped();
        if (row.streamer && row.finishReason !== 'eos') row.streamer.push([token]);
        if (row.streamer?.stopped) row.finishReason = 'stop';
        if (!row.finishReason && signal?.aborted) row.finishReason = 'abort';
      }
      const remaining = active
        .map((index, position) => ({ index, position }))
        .filter(({ index }) => !rows[index].finishReason);
      if (remaining.length === 0) break;
      if (remaining.length < active.length) cache.reorder(remaining.map(({ position }) => position));
      active = remaining.map(({ index }) => index);
      logits = await lastLogits(
        model,
        active.map((index) => [rows[index].tokens.at(-1)!]),
        cache,
      );
    }
  } finally {
    cache.dispose();
  }
  return rows.map(finished);
}

function finished(row: {
  streamer?: TextStreamer;
  tokens: number[];
  finishReason?: FinishReason;
}): GenerateResult {
  return { text: row.streamer?.text ?? '', tokenIds: row.tokens, finishReason: row.finishReason ?? 'length' };
}

function resolvePrompts(options: GenerateBatchOptions): number[][] {
  const { inputIds, prompts } = options;
  if ((inputIds === undefined) === (prompts === undefined)) {
    throw new InputError('inputIds/prompts', 'exactly one of them', inputIds ? 'both' : 'neither');
  }
  const list = inputIds ?? prompts!;
  if (!Array.isArray(list) || list.length === 0)
    throw new InputError(inputIds ? 'inputIds' : 'prompts', 'a non-empty array', list);
  return inputIds
    ? inputIds.map((ids) => resolvePrompt({ ...options, inputIds: ids }))
    : prompts!.map((prompt) => resolvePrompt({ ...options, inputIds: undefined, prompt }));
}
