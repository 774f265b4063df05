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
   * existing pieces exists (they still get an id; sentencepiece's BPE will not emit them).
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
   * `chinese_sp.model`) or a list of strings (e.g. a legal term list; spaces become `▁`).
   */
  additions: SentencePieceTokenizer | readonly string[];
}

/**
 * Append new pieces to a SentencePiece tokenizer the Chinese-LLaMA way: keep every existing id, piece, score
 * and type, and append each addition not already a piece (nor repeated among the additions) with score 0
 * and the default type NORMAL. Returns the merged tokenizer and a report.
 */
export function extendTokenizer(
  base: SentencePieceTokenizer,
  additions: ExtendTokenizerOptions['additions'],
): { tokenizer: SentencePieceTokenizer; report: ExtendReport } {
  const candidates =
    additions instanceof SentencePieceTokenizer
      ? additions.entries().map((entry) => entry.piece)
      : additions.map((word) => word.trim().replaceAll(' ', '\u2581'));
  const existing = new Set(base.entries().map((entry) => entry.piece));
  const seen = new Set<string>();
  const appended: SentencePieceEntry[] = [];
  const report: ExtendReport = {
    baseSize: base.vocabSize,
    added: 0,
    alreadyPresent: 0,
    duplicatesDropped: 0,
    emptyDropped: 0,
    unreachable: 0,
    vocabSize: base.vocabSize,
    addedPieces: [],
  };
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
