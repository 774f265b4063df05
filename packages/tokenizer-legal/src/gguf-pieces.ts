import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { TokenizerModelError } from './errors.js';
import { JsonTokenizer } from './json-tokenizer.js';
import type { LoadedTokenizer } from './load-tokenizer.js';
import { type ModelProto, ModelType } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

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
export function toGgufVocabulary(tokenizer: LoadedTokenizer): GgufPieces {
  if (tokenizer instanceof ByteLevelBpeTokenizer) {
    throw new TokenizerModelError({
      path: tokenizer.path,
      field: 'model.type',
      expected:
        'a SentencePiece-style model for a GGUF `llama` vocabulary (a byte-level BPE gives a `gpt2` one: toGgufBpe)',
      actual: 'byte-level BPE',
    });
  }
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

/** Options of {@link fromGgufPieces}. */
export interface FromGgufPiecesOptions {
  /** Where the vocabulary came from (the GGUF file), named in errors. */
  path?: string;
  /** `tokenizer.ggml.add_space_prefix`: prepend `▁` (SentencePiece's dummy prefix). Default true. */
  addSpacePrefix?: boolean;
}

/**
 * A SentencePiece BPE tokenizer from a GGUF `llama` vocabulary (`tokenizer.ggml.tokens` / `scores` /
 * `token_type` and the special ids), the inverse of {@link toGgufVocabulary}: the LLaMA settings llama.cpp's SPM
 * tokenizer assumes — byte fallback, a dummy `▁` prefix, digits split, whitespace kept, no normalization. Encodes
 * exactly as the `tokenizer.model` the file was made from.
 */
export function fromGgufPieces(
  vocabulary: GgufPieces,
  { path = '<gguf>', addSpacePrefix = true }: FromGgufPiecesOptions = {},
): SentencePieceTokenizer {
  const { pieces, unkId, bosId, eosId, padId } = vocabulary;
  const piece = (id: number | undefined, field: string) => {
    if (id === undefined || id < 0) return undefined;
    const entry = pieces[id];
    if (!entry) {
      throw new TokenizerModelError({
        path,
        field,
        expected: `an id below ${pieces.length}`,
        actual: String(id),
      });
    }
    return entry.piece;
  };
  const proto: ModelProto = {
    pieces: pieces.map(({ piece: text, score, type }) => ({ piece: text, score, type })),
    trainer_spec: {
      model_type: ModelType.BPE,
      vocab_size: pieces.length,
      split_digits: true,
      byte_fallback: true,
      unk_id: unkId,
      bos_id: bosId,
      eos_id: eosId,
      pad_id: padId ?? -1,
      unk_piece: piece(unkId, 'tokenizer.ggml.unknown_token_id'),
      bos_piece: piece(bosId, 'tokenizer.ggml.bos_token_id'),
      eos_piece: piece(eosId, 'tokenizer.ggml.eos_token_id'),
      ...(padId !== undefined && { pad_piece: piece(padId, 'tokenizer.ggml.padding_token_id') }),
    },
    normalizer_spec: {
      name: 'identity',
      add_dummy_prefix: addSpacePrefix,
      remove_extra_whitespaces: false,
      escape_whitespaces: true,
    },
  };
  return new SentencePieceTokenizer(proto, path);
}
