import type { GenerateChunk, GenerateOptions } from './generate-options.js';
import { lastLogits, samplingProcessor } from './next-token.js';
import { logSoftmax } from './sampler.js';
import type { FinishReason } from './stopping.js';
import { TextStreamer } from './text-streamer.js';

/** Inputs of {@link beamSearch} (generate's options, resolved). */
export interface BeamSearchOptions extends GenerateOptions {
  promptIds: number[];
  eosTokenIds: number[];
  maxNewTokens: number;
  numBeams: number;
}

interface Beam {
  /** Generated ids (prompt excluded). */
  tokens: number[];
  /** Sum of log-probabilities. */
  score: number;
}

interface Hypothesis extends Beam {
  finishReason: FinishReason;
}

/**
 * HF-style beam search: keep `numBeams` running beams; each step consider the top 2·numBeams
 * continuations, move EOS continuations to the finished list (score / length^lengthPenalty), and
 * stop when no running beam can beat the worst finished one. Returns the best hypothesis as one chunk.
 */
export async function beamSearch(options: BeamSearchOptions): Promise<GenerateChunk> {
  const {
    model,
    tokenizer,
    promptIds,
    eosTokenIds,
    maxNewTokens,
    numBeams,
    lengthPenalty = 1,
    signal,
  } = options;
  const processor = samplingProcessor({ ...options, temperature: undefined, topK: 0, topP: 1 });
  const normalized = (beam: Beam) => beam.score / beam.tokens.length ** lengthPenalty;
  const finished: Hypothesis[] = [];
  let beams: Beam[] = [{ tokens: [], score: 0 }];
  const cache = model.createCache({ dtype: options.kvCacheDtype });
  try {
    let logits = await lastLogits(model, [promptIds], cache);
    for (let step = 1; step <= maxNewTokens; step++) {
      const candidates = topCandidates(beams, logits, promptIds, processor, 2 * numBeams);
      const next: Beam[] = [];
      const sources: number[] = [];
      for (const candidate of candidates) {
        const beam = { tokens: [...beams[candidate.beam].tokens, candidate.token], score: candidate.score };
        if (eosTokenIds.includes(candidate.token)) {
          if (candidate.rank < numBeams) finished.push({ ...beam, finishReason: 'eos' });
        } else if (next.length < numBeams) {
          next.push(beam);
          sources.push(candidate.beam);
        }
      }
      beams = next;
      finished.sort((a, b) => normalized(b) - normalized(a)).splice(numBeams);
      const bestRunning = Math.max(...beams.map(normalized));
      const done = finished.length >= numBeams && bestRunning <= normalized(finished[finished.length - 1]);
      if (done || step === maxNewTokens || signal?.aborted || beams.length === 0) {
        const reason: FinishReason = signal?.aborted ? 'abort' : 'length';
        for (const beam of beams) finished.push({ ...beam, finishReason: reason });
        break;
      }
      cache.reorder(sources);
      logits = await lastLogits(
        model,
        beams.map((beam) => [beam.tokens[beam.tokens.length - 1]]),
        cache,
      );
    }
  } finally {
    cache.dispose();
  }
  finished.sort((a, b) => normalized(b) - normalized(a));
  const best = finished[0];
  return finishChunk(best, options, promptIds, tokenizer, eosTokenIds);
}

function topCandidates(
  beams: Beam[],
  logits: Float32Array[],
  promptIds: number[],
  processor: ReturnType<typeof samplingProcessor>,
  count: number,
): { beam: number; token: number; score: number; rank: number }[] {
  const all: { beam: number; token: number; score: number }[] = [];
  beams.forEach((beam, index) => {
    const scores = processor([...promptIds, ...beam.tokens], logSoftmax(logits[index]));
    // keep the per-beam top `count` only: enough for the global top `count`
    const order = Array.from(scores.keys())
      .sort((a, b) => scores[b] - scores[a])
      .slice(0, count);
    for (const token of order) all.push({ beam: index, token, score: beam.score + scores[token] });
  });
  return all
    .sort((a, b) => b.score - a.score)
    .slice(0, count)
    .map((candidate, rank) => ({ ...candidate, rank }));
}

function finishChunk(
  best: Hypothesis,
  options: BeamSearchOptions,
  promptIds: number[],
  tokenizer: BeamSearchOptions['tokenizer'],
  eosTokenIds: number[],
): GenerateChunk {
  if (!tokenizer) return { text: '', tokenIds: best.tokens, finishReason: best.finishReason };
  const streamer = new TextStreamer(tokenizer, promptIds, options.stopStrings ?? []);
  streamer.push(best.tokens.filter((token) => !eosTokenIds.includes(token)));
  const finishReason = streamer.stopped ? 'stop' : best.finishReason;
  return { text: streamer.text, tokenIds: best.tokens, finishReason };
}
