import { buildTestModel } from './internal/test-model.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/** Options of {@link createCharacterTokenizer}. */
export interface CreateCharacterTokenizerOptions {
  /** Texts whose characters become pieces. */
  texts: Iterable<string>;
  /** Keep at most this many characters (most frequent first); the rest fall back to bytes. Default all. */
  maxCharacters?: number;
  /** Characters seen fewer times are left to byte fallback. Default 1. */
  minCount?: number;
}

/**
 * A LLaMA-style SentencePiece BPE tokenizer (`<unk>`, `<s>`, `</s>`, 256 byte-fallback pieces, `▁`) whose
 * other pieces are the characters of `texts`, most frequent first (score −rank). It needs no `spm_train`:
 * a base for {@link extendTokenizer} in demos and tests, or for tiny models trained from scratch.
 */
export function createCharacterTokenizer({
  texts,
  maxCharacters = Number.POSITIVE_INFINITY,
  minCount = 1,
}: CreateCharacterTokenizerOptions): SentencePieceTokenizer {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const character of text.replace(/\s/gu, '\u2581'))
      counts.set(character, (counts.get(character) ?? 0) + 1);
  }
  counts.set('\u2581', Number.MAX_SAFE_INTEGER);
  const ranked = [...counts]
    .filter(([, count]) => count >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxCharacters);
  const proto = buildTestModel({
    pieces: ranked.map(([character], rank) => [character, -rank] as [string, number]),
    byteFallback: true,
  });
  return new SentencePieceTokenizer(proto, '<character-tokenizer>');
}
