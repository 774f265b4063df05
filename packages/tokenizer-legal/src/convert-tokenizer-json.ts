import { TokenizerModelError } from './errors.js';
import { PieceType } from './model-proto.js';
import type { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/** A Hugging Face `tokenizer.json` document (the subset this package writes and reads). */
export interface TokenizerJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: Array<{
    id: number;
    content: string;
    single_word: boolean;
    lstrip: boolean;
    rstrip: boolean;
    normalized: boolean;
    special: boolean;
  }>;
  normalizer: unknown;
  pre_tokenizer: unknown;
  post_processor: unknown;
  decoder: unknown;
  model: Record<string, unknown>;
}

/** Code-point split positions (UTF-16 offsets) of a string, excluding 0 and its length. */
function codePointSplits(text: string): number[] {
  const splits: number[] = [];
  let position = 0;
  for (const char of text) {
    position += char.length;
    if (position < text.length) splits.push(position);
  }
  return splits;
}

function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * BPE merges derived from a scored vocabulary the way transformers' `generate_merges` does: every split
 * of every piece whose halves are pieces, ordered by the merged piece's score (descending), then the
 * left and right lengths in characters (descending), ties kept in vocabulary order.
 */
export function mergesFromVocabulary(
  pieces: ReadonlyArray<{ piece: string; score: number }>,
): Array<[string, string]> {
  const vocabulary = new Map<string, number>();
  pieces.forEach(({ piece }, id) => {
    vocabulary.set(piece, id);
  });
  const scores = new Map<string, number>();
  for (const { piece, score } of pieces) scores.set(piece, score);
  type Merge = { left: string; right: string; score: number; leftLength: number; rightLength: number };
  const merges: Merge[] = [];
  for (const [piece, score] of scores) {
    const local: Merge[] = [];
    for (const split of codePointSplits(piece)) {
      const left = piece.slice(0, split);
      const right = piece.slice(split);
      if (!vocabulary.has(left) || !vocabulary.has(right)) continue;
      local.push({
        left,
        right,
        score,
        leftLength: codePointLength(left),
        rightLength: codePointLength(right),
      });
    }
    local.sort(
      (a, b) =>
        vocabulary.get(a.left)! - vocabulary.get(b.left)! ||
        vocabulary.get(a.right)! - vocabulary.get(b.right)!,
    );
    merges.push(...local);
  }
  merges.sort((a, b) => b.score - a.score || b.leftLength - a.leftLength || b.rightLength - a.rightLength);
  return merges.map(({ left, right }) => [left, right]);
}

/**
 * Convert a SentencePiece BPE model into the `tokenizer.json` that transformers' `LlamaConverter`
 * produces: BPE with byte fallback and merges derived from the scores, normalizer Prepend `▁` + Replace
 * space → `▁`, decoder Replace `▁` → space, ByteFallback, Fuse, Strip one leading space, and a
 * post-processor adding `<s>`. Unigram models become a `Unigram` model with the same normalization.
 */
export function convertToTokenizerJson(
  tokenizer: SentencePieceTokenizer,
  {
    pieceScores = true,
  }: {
    /**
     * Also store the SentencePiece piece scores as `model.piece_scores` (default true). Hugging Face
     * tokenizers ignores the field; LawGPT.js uses it to reproduce sentencepiece exactly where pieces share a
     * score (Chinese-LLaMA's 17,953 appended pieces all score 0, and sentencepiece then merges the leftmost
     * pair first, which no merge-rank order can express).
     */
    pieceScores?: boolean;
  } = {},
): TokenizerJson {
  const entries = tokenizer.entries();
  const proto = tokenizer.proto;
  const normalizerSpec = proto.normalizer_spec ?? {};
  if (normalizerSpec.precompiled_charsmap && normalizerSpec.precompiled_charsmap.length > 0) {
    throw new TokenizerModelError({
      path: tokenizer.path,
      field: 'normalizer_spec.precompiled_charsmap',
      expected: 'identity normalization (LLaMA-style) for tokenizer.json conversion',
      actual: `a ${normalizerSpec.name ?? 'custom'} character map`,
    });
  }
  const addedTokens = entries.flatMap(({ piece, type }, id) =>
    type === PieceType.CONTROL || type === PieceType.UNKNOWN || type === PieceType.USER_DEFINED
      ? [
          {
            id,
            content: piece,
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: false,
            special: type !== PieceType.USER_DEFINED,
          },
        ]
      : [],
  );
  const unkPiece = tokenizer.idToPiece(tokenizer.unkId);
  const model: Record<string, unknown> =
    tokenizer.modelType === 'bpe'
      ? {
          type: 'BPE',
          dropout: null,
          unk_token: unkPiece,
          continuing_subword_prefix: null,
          end_of_word_suffix: null,
          fuse_unk: true,
          byte_fallback: proto.trainer_spec?.byte_fallback === true,
          ignore_merges: false,
          vocab: Object.fromEntries(entries.map(({ piece }, id) => [piece, id])),
          merges: mergesFromVocabulary(entries),
          ...(pieceScores ? { piece_scores: entries.map(({ score }) => score) } : {}),
        }
      : {
          type: 'Unigram',
          unk_id: tokenizer.unkId,
          vocab: entries.map(({ piece, score }) => [piece, score]),
          byte_fallback: proto.trainer_spec?.byte_fallback === true,
        };
  const addDummyPrefix = normalizerSpec.add_dummy_prefix ?? true;
  const normalizers: unknown[] = [];
  if (addDummyPrefix) normalizers.push({ type: 'Prepend', prepend: '\u2581' });
  normalizers.push({ type: 'Replace', pattern: { String: ' ' }, content: '\u2581' });
  const decoders: unknown[] = [
    { type: 'Replace', pattern: { String: '\u2581' }, content: ' ' },
    { type: 'ByteFallback' },
    { type: 'Fuse' },
  ];
  if (addDummyPrefix) decoders.push({ type: 'Strip', content: ' ', start: 1, stop: 0 });
  const bos = tokenizer.bosId >= 0 ? tokenizer.idToPiece(tokenizer.bosId) : undefined;
  const postProcessor =
    bos === undefined
      ? null
      : {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [
            { SpecialToken: { id: bos, type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: bos, type_id: 1 } },
            { Sequence: { id: 'B', type_id: 1 } },
          ],
          special_tokens: { [bos]: { id: bos, ids: [tokenizer.bosId], tokens: [bos] } },
        };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: null,
    post_processor: postProcessor,
    decoder: { type: 'Sequence', decoders },
    model,
  };
}
