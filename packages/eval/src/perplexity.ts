import { EvalOptionError } from './errors.js';
import { readText } from './internal/read-text.js';
import type { TextScorer } from './runner/text-generator.js';

/** Options of {@link perplexity}. */
export interface PerplexityOptions {
  scorer: TextScorer;
  /** Held-out text; or give `path`. */
  text?: string;
  /** File with the held-out text (UTF-8). */
  path?: string;
  /** Characters per scored chunk (chunks end at line breaks where possible; default 2000). */
  chunkChars?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; tokens: number }) => void;
}

/** Perplexity of a text: exp(mean negative log-probability per token). */
export interface PerplexityResult {
  perplexity: number;
  /** Mean negative log-likelihood per token (nats). */
  meanNll: number;
  tokens: number;
  chunks: number;
}

/** Split `text` into chunks of at most about `size` characters, preferring line breaks. */
export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split(/(?<=\n)/)) {
    if (current.length + line.length > size && current.length > 0) {
      chunks.push(current);
      current = '';
    }
    for (let start = 0; start < line.length; start += size) {
      const piece = line.slice(start, start + size);
      if (current.length + piece.length > size && current.length > 0) {
        chunks.push(current);
        current = '';
      }
      current += piece;
    }
  }
  if (current.trim()) chunks.push(current);
  return chunks.filter((chunk) => chunk.trim().length > 0);
}

/** Perplexity of a held-out text under any {@link TextScorer} (e.g. a llama-core model adapted by the CLI). */
export async function perplexity(options: PerplexityOptions): Promise<PerplexityResult> {
  const { scorer, path, chunkChars = 2000, signal, onProgress } = options;
  let text = options.text;
  if (text === undefined) {
    if (!path) throw new EvalOptionError('perplexity needs text or path', 'path', 'a file path', path);
    text = await readText(path, 'held-out text');
  }
  const chunks = chunkText(text, chunkChars);
  if (chunks.length === 0)
    throw new EvalOptionError('perplexity: the text is empty', 'text', 'non-empty text', '');
  let nll = 0;
  let tokens = 0;
  for (const [index, chunk] of chunks.entries()) {
    signal?.throwIfAborted();
    const logProbs = await scorer.logProbs(chunk, { signal });
    for (const value of logProbs) nll -= value;
    tokens += logProbs.length;
    onProgress?.({ done: index + 1, total: chunks.length, tokens });
  }
  if (tokens === 0) {
    throw new EvalOptionError(
      `perplexity: ${path ?? 'the text'} gave no token to score (every chunk is shorter than two tokens)`,
      'text',
      'text of at least two tokens',
      text.slice(0, 40),
    );
  }
  const meanNll = nll / tokens;
  return { perplexity: Math.exp(meanNll), meanNll, tokens, chunks: chunks.length };
}
