/**
 * Hugging Face's BPE model over byte-level pieces: the pair of adjacent symbols with the lowest merge rank
 * merges first (leftmost on ties), through the shared heap encoder; `ignore_merges` emits a whole piece that
 * is in the vocabulary as is. Results are cached per pre-tokenized piece.
 */
import { BpeEncoder, type BpeVocabulary } from './bpe-encoder.js';
import { BYTE_TO_CHAR, toByteLevel } from './byte-level.js';
import { PairTable } from './pair-table.js';

/** Pieces longer than this (UTF-16 units) are not cached (HF: 256 bytes). */
const CACHE_MAX_LENGTH = 256;
/** The cache stops taking new pieces at this size (HF: 10,000), keeping the early, frequent ones. */
const CACHE_CAPACITY = 100_000;

export interface ByteLevelBpeModelOptions {
  /** Model vocabulary: piece → id. */
  vocab: ReadonlyMap<string, number>;
  /** Merges in rank order (already checked: both sides and their concatenation are pieces). */
  merges: ReadonlyArray<readonly [string, string]>;
  ignoreMerges: boolean;
  /** `<unk>` id for characters that are not pieces (never happens with a full byte alphabet), or -1. */
  unkId: number;
  fuseUnk: boolean;
}

export class ByteLevelBpeModel implements BpeVocabulary {
  /** Piece of each model id (holes where only added tokens live). */
  readonly pieces: string[] = [];
  readonly vocab: ReadonlyMap<string, number>;
  /** `<unk>` id, or -1. */
  readonly unkId: number;
  private readonly pairs: PairTable;
  private readonly encoder: BpeEncoder;
  private readonly options: ByteLevelBpeModelOptions;
  private readonly cache = new Map<string, readonly number[]>();
  private codes = new Int32Array(256);
  /** Model id of each byte-alphabet character code (< 0x144), or -1. */
  private readonly alphabetIds = new Int32Array(0x144).fill(-1);
  private readonly merged: number[] = [];

  constructor(options: ByteLevelBpeModelOptions) {
    this.options = options;
    this.vocab = options.vocab;
    this.unkId = options.unkId;
    for (const [piece, id] of options.vocab) this.pieces[id] = piece;
    for (const char of BYTE_TO_CHAR) this.alphabetIds[char.charCodeAt(0)] = options.vocab.get(char) ?? -1;
    this.pairs = new PairTable(options.merges.length);
    // HF keeps the last rank of a pair listed twice: insert from the end, first insertion wins.
    for (let rank = options.merges.length - 1; rank >= 0; rank--) {
      const [left, right] = options.merges[rank];
      const vocab = options.vocab;
      this.pairs.set(vocab.get(left)!, vocab.get(right)!, vocab.get(left + right)!, rank);
    }
    this.encoder = new BpeEncoder(this);
  }

  lookupMerge(left: number, right: number, out: { merged: number; score: number }): boolean {
    const slot = this.pairs.find(left, right);
    if (slot < 0) return false;
    out.merged = this.pairs.valueAt(slot);
    out.score = -this.pairs.rankAt(slot);
    return true;
  }

  isUnused(): boolean {
    return false;
  }

  /** Merges in rank order, as `[left, right]` piece pairs. */
  mergeList(): Array<[string, string]> {
    return this.pairs
      .entries()
      .sort((a, b) => a.rank - b.rank)
      .map(({ left, right }) => [this.pieces[left], this.pieces[right]]);
  }

  /** Append the ids of one pre-tokenized piece (`mapped`: already in the byte-level alphabet). */
  tokenize(piece: string, mapped: boolean, out: number[]): void {
    let ids = this.cache.get(piece);
    if (ids === undefined) {
      ids = this.merge(mapped ? piece : toByteLevel(piece));
      if (piece.length < CACHE_MAX_LENGTH && this.cache.size < CACHE_CAPACITY) this.cache.set(piece, ids);
    }
    for (let index = 0; index < ids.length; index++) out.push(ids[index]);
  }

  private merge(word: string): number[] {
    const { vocab, ignoreMerges, unkId, fuseUnk } = this.options;
    if (ignoreMerges) {
      const id = vocab.get(word);
      if (id !== undefined) return [id];
    }
    if (this.codes.length < word.length) this.codes = new Int32Array(word.length * 2);
    const codes = this.codes;
    let count = 0;
    for (let index = 0; index < word.length; index++) {
      const code = word.charCodeAt(index);
      let id = code < 0x144 ? this.alphabetIds[code] : -1;
      if (id < 0) {
        const char = String.fromCodePoint(word.codePointAt(index)!);
        index += char.length - 1;
        id = vocab.get(char) ?? -1;
      }
      if (id >= 0) codes[count++] = id;
      else if (unkId >= 0 && !(fuseUnk && count > 0 && codes[count - 1] === -1 - unkId))
        codes[count++] = -1 - unkId;
    }
    const merged = this.merged;
    merged.length = 0;
    this.encoder.segment(codes, count, undefined, merged);
    return merged.map((symbol) => (symbol < 0 ? -1 - symbol : symbol));
  }
}
