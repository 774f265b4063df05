import { TokenizerModelError } from './errors.js';
import { JsonTokenizer } from './json-tokenizer.js';
import type { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/** One vocabulary entry as llama.cpp's `tokenizer.ggml.tokens` / `scores` / `token_type` store it. */
export interface GgufPiece {
  /** The piece string, byte-exact (`▁` marks a space, `<0x0A>` a fallback byte; may be U+FEFF alone). */
  piece: string;
  /** SentencePiece score (BPE merge priority: higher merges first). */
  score: number;
  /** SentencePiece piece type: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte. */
  type: number;
}

/**
 * The plain vocabulary of a GGUF `llama` (SentencePiece) tokenizer: what `@lawgpt/llama-core`'s
 * `ggufVocabularyFromPieces(pieces, { unkId, bosId, eosId, padId })` takes.
 */
export interface GgufPieces {
  /** Piece of each id (id = index). */
  pieces: GgufPiece[];
  unkId: number;
  bosId: number;
  eosId: number;
  /** Pad id, when the model defines one. */
  padId?: number;
}

/**
 * The pieces, scores, types and special ids of a tokenizer, for a llama.cpp GGUF file (`tokenizer.ggml.model`
 * `llama`). A SentencePiece `tokenizer.model` converts exactly; a `tokenizer.json` only when it carries
 * SentencePiece scores (`model.piece_scores`, as `convertToTokenizerJson` writes, or a Unigram model) —
 * llama.cpp's SentencePiece tokenizer merges by score, which a merge list alone does not give.
 * Throws {@link TokenizerModelError} for a BPE `tokenizer.json` without scores or a model without `<s>`/`</s>`.
 */
export function toGgufVocabulary(tokenizer: SentencePieceTokenizer): GgufPieces {
  if (tokenizer instanceof JsonTokenizer && !tokenizer.hasPieceScores) {
    throw new TokenizerModelError({
      path: tokenizer.path,
      field: 'model.piece_scores',
      expected:
        'SentencePiece piece scores for a GGUF vocabulary (use the tokenizer.model, or a tokenizer.json written by this package)',
      actual: 'absent (a BPE merge list only)',
    });
  }
  for (const [field, id] of [
    ['bos', tokenizer.bosId],
    ['eos', tokenizer.eosId],
  ] as const) {
    if (id < 0) {
      throw new TokenizerModelError({
        path: tokenizer.path,
        field: `${field}_id`,
        expected: `a control piece ${field === 'bos' ? '<s>' : '</s>'} (llama.cpp needs BOS and EOS ids)`,
        actual: 'none',
      });
    }
  }
  // `score || 0` turns -0 (rank 0 of generated tokenizers) into 0.
  const pieces = tokenizer
    .entries()
    .map(({ piece, score, type }): GgufPiece => ({ piece, score: score || 0, type }));
  return {
    pieces,
    unkId: tokenizer.unkId,
    bosId: tokenizer.bosId,
    eosId: tokenizer.eosId,
    ...(tokenizer.padId !== undefined && { padId: tokenizer.padId }),
  };
}
