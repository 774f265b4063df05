import { type AddedToken, ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { TokenizerInputError } from './errors.js';
import { toByteLevel } from './internal/byte-level.js';
import type { ModelProto, SentencePieceEntry } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/** What {@link extendTokenizer} did. */
export interface ExtendReport {
  /** Pieces in the base. */
  baseSize: number;
  /** Pieces appended. */
  added: number;
  /** Additions whose string was already a piece of the base (skipped). */
  alreadyPresent: number;
  /** Additions repeated within the additions themselves (later copies skipped). */
  duplicatesDropped: number;
  /** Empty additions (after trimming a word list entry) skipped. */
  emptyDropped: number;
  /**
   * Appended multi-character pieces that BPE can never produce because no split of them into two
   * existing pieces exists (they still get an id; sentencepiece's BPE will not emit them). Always 0 for a
   * byte-level BPE base, whose added tokens are matched in the text directly.
   */
  unreachable: number;
  /** Final vocabulary size. */
  vocabSize: number;
  /** The appended pieces, in id order. */
  addedPieces: string[];
}

/** Options of {@link extendTokenizer}. */
export interface ExtendTokenizerOptions {
  /**
   * New pieces: another SentencePiece tokenizer (all its pieces, in id order, as Chinese-LLaMA merged
   * `chinese_sp.model`) or a list of strings (e.g. a legal term list; spaces become `▁`). A byte-level BPE
   * base takes a list of strings only; a byte-level BPE tokenizer is no addition.
   */
  additions: SentencePieceTokenizer | ByteLevelBpeTokenizer | readonly string[];
}

/**
 * Extend a tokenizer with new pieces and report what happened.
 *
 * SentencePiece base: the Chinese-LLaMA way: keep every existing id, piece, score and type, and append each
 * addition not already a piece (nor repeated among the additions) with score 0 and the default type NORMAL.
 *
 * Byte-level BPE base (Qwen, LLaMA-3): each whole term becomes an added token (non-special, `normalized`,
 * as transformers' `add_tokens` writes it) with the next id, matched in the text before BPE; a term that is
 * already an added token or a single piece of the vocabulary is skipped. `save` writes an HF-loadable folder.
 */
export function extendTokenizer(
  base: SentencePieceTokenizer,
  additions: ExtendTokenizerOptions['additions'],
): { tokenizer: SentencePieceTokenizer; report: ExtendReport };
export function extendTokenizer(
  base: ByteLevelBpeTokenizer,
  additions: ExtendTokenizerOptions['additions'],
): { tokenizer: ByteLevelBpeTokenizer; report: ExtendReport };
export function extendTokenizer(
  base: SentencePieceTokenizer | ByteLevelBpeTokenizer,
  additions: ExtendTokenizerOptions['additions'],
): { tokenizer: SentencePieceTokenizer | ByteLevelBpeTokenizer; report: ExtendReport };
export function extendTokenizer(
  base: SentencePieceTokenizer | ByteLevelBpeTokenizer,
  additions: ExtendTokenizerOptions['additions'],
): { tokenizer: SentencePieceTokenizer | ByteLevelBpeTokenizer; report: ExtendReport } {
  if (base instanceof ByteLevelBpeTokenizer) return extendByteLevel(base, additions);
  if (additions instanceof ByteLevelBpeTokenizer) {
    throw new TokenizerInputError(
      'additions',
      'a byte-level BPE tokenizer cannot be appended to a SentencePiece model',
    );
  }
  const candidates =
    additions instanceof SentencePieceTokenizer
      ? additions.entries().map((entry) => entry.piece)
      : additions.map((word) => word.trim().replaceAll(' ', '\u2581'));
  const existing = new Set(base.entries().map((entry) => entry.piece));
  const seen = new Set<string>();
  const appended: SentencePieceEntry[] = [];
  const report = emptyReport(base.vocabSize);
  for (const piece of candidates) {
    if (piece.length === 0) {
      report.emptyDropped++;
      continue;
    }
    if (seen.has(piece)) {
      report.duplicatesDropped++;
      continue;
    }
    seen.add(piece);
    if (existing.has(piece)) {
      report.alreadyPresent++;
      continue;
    }
    appended.push({ piece, score: 0 });
    report.addedPieces.push(piece);
  }
  const all = new Set([...existing, ...report.addedPieces]);
  for (const piece of report.addedPieces) {
    const chars = [...piece];
    if (chars.length < 2) continue;
    let reachable = false;
    for (let split = 1; split < chars.length && !reachable; split++) {
      reachable = all.has(chars.slice(0, split).join('')) && all.has(chars.slice(split).join(''));
    }
    if (!reachable) report.unreachable++;
  }
  report.added = appended.length;
  report.vocabSize = base.vocabSize + appended.length;
  const proto: ModelProto = { ...base.proto, pieces: [...base.proto.pieces, ...appended] };
  return { tokenizer: new SentencePieceTokenizer(proto, base.path), report };
}

function emptyReport(baseSize: number): ExtendReport {
  return {
    baseSize,
    added: 0,
    alreadyPresent: 0,
    duplicatesDropped: 0,
    emptyDropped: 0,
    unreachable: 0,
    vocabSize: baseSize,
    addedPieces: [],
  };
}

function extendByteLevel(
  base: ByteLevelBpeTokenizer,
  additions: ExtendTokenizerOptions['additions'],
): { tokenizer: ByteLevelBpeTokenizer; report: ExtendReport } {
  if (!Array.isArray(additions)) {
    throw new TokenizerInputError(
      'additions',
      'a byte-level BPE tokenizer is extended with a list of whole terms (they become added tokens), not with another model',
    );
  }
  const report = emptyReport(base.vocabSize);
  const seen = new Set<string>();
  const tokens: AddedToken[] = [];
  for (const raw of additions as readonly string[]) {
    const term = raw.trim();
    if (term.length === 0) report.emptyDropped++;
    else if (seen.has(term)) report.duplicatesDropped++;
    else {
      seen.add(term);
      if (base.pieceToId(term) !== undefined || base.pieceToId(toByteLevel(term)) !== undefined) {
        report.alreadyPresent++;
        continue;
      }
      const id = base.vocabSize + tokens.length;
      tokens.push({
        id,
        content: term,
        special: false,
        normalized: true,
        lstrip: false,
        rstrip: false,
        singleWord: false,
      });
      report.addedPieces.push(term);
    }
  }
  report.added = tokens.length;
  report.vocabSize = base.vocabSize + tokens.length;
  return { tokenizer: base.withAddedTokens(tokens), report };
}
