import { TokenizerModelError } from '../errors.js';
import { type ModelProto, ModelType, PieceType } from '../model-proto.js';
import type { BpeVocabulary } from './bpe-encoder.js';
import { PairTable } from './pair-table.js';
import { PrecompiledCharsmap } from './precompiled-charsmap.js';
import { PrefixMatcher } from './prefix-matcher.js';
import type { UnigramVocabulary } from './unigram-encoder.js';
import { utf8Bytes } from './utf8.js';

/** Lookup tables derived from a `ModelProto`, mirroring sentencepiece's `ModelInterface`. */
export class SentencePieceVocabulary implements BpeVocabulary, UnigramVocabulary {
  readonly pieces: string[];
  readonly scores: Float32Array;
  readonly types: Uint8Array;
  readonly modelType: 'bpe' | 'unigram';
  /** NORMAL, USER_DEFINED and UNUSED pieces (`pieces_` in sentencepiece). */
  readonly normalPieces = new Map<string, number>();
  /** UNKNOWN, CONTROL and BYTE pieces (`reserved_id_map_`). */
  readonly reservedPieces = new Map<string, number>();
  readonly unkId: number;
  readonly byteIds = new Int32Array(256).fill(-1);
  readonly byteFallback: boolean;
  readonly userDefined: PrefixMatcher;
  readonly charsmap?: PrecompiledCharsmap;
  maxPieceLength = 1;
  maxScore = Number.NEGATIVE_INFINITY;
  minScore = Number.POSITIVE_INFINITY;
  /** Symbol id of each BMP code point (-1: none); astral code points in `astralSymbols`. */
  private readonly bmpSymbols = new Int32Array(0x10000).fill(-1);
  private readonly astralSymbols = new Map<number, number>();
  /** Code points of the extra symbols (single characters that are not pieces), by `id - pieces.length`. */
  readonly extraCodes: number[] = [];
  private readonly pairs = new PairTable(1024);
  private ranked = false;
  private readonly byteLengths: Int32Array;

  /**
   * @param merges When given (a Hugging Face BPE `tokenizer.json` without piece scores), only these pairs
   *   merge, in list order (HF semantics); otherwise every split of every piece merges by piece score.
   */
  constructor(proto: ModelProto, path: string, merges?: ReadonlyArray<readonly [string, string]>) {
    const trainer = proto.trainer_spec ?? {};
    const modelType = trainer.model_type ?? ModelType.UNIGRAM;
    if (modelType !== ModelType.BPE && modelType !== ModelType.UNIGRAM) {
      const names: Record<number, string> = { 3: 'WORD', 4: 'CHAR' };
      throw new TokenizerModelError({
        path,
        field: 'trainer_spec.model_type',
        expected: 'BPE (2) or UNIGRAM (1)',
        actual: names[modelType]
          ? `${names[modelType]} (${modelType}, not supported)`
          : `unknown value ${modelType}`,
      });
    }
    this.modelType = modelType === ModelType.BPE ? 'bpe' : 'unigram';
    const count = proto.pieces.length;
    this.pieces = new Array<string>(count);
    this.scores = new Float32Array(count);
    this.types = new Uint8Array(count);
    this.byteLengths = new Int32Array(count);
    const userDefined: string[] = [];
    let unkId = -1;
    for (let id = 0; id < count; id++) {
      const entry = proto.pieces[id];
      const piece = entry.piece ?? '';
      const type = entry.type ?? PieceType.NORMAL;
      if (piece.length === 0) {
        throw new TokenizerModelError({
          path,
          field: `pieces[${id}].piece`,
          expected: 'a non-empty string',
          actual: 'empty',
        });
      }
      if (type < PieceType.NORMAL || type > PieceType.BYTE) {
        throw new TokenizerModelError({
          path,
          field: `pieces[${id}].type`,
          expected: '1..6',
          actual: String(type),
        });
      }
      this.pieces[id] = piece;
      this.scores[id] = entry.score ?? 0;
      this.types[id] = type;
      const normal =
        type === PieceType.NORMAL || type === PieceType.USER_DEFINED || type === PieceType.UNUSED;
      const table = normal ? this.normalPieces : this.reservedPieces;
      if (table.has(piece)) {
        throw new TokenizerModelError({
          path,
          field: `pieces[${id}].piece`,
          expected: 'a piece not defined before',
          actual: `${JSON.stringify(piece)}, already id ${table.get(piece)}`,
        });
      }
      table.set(piece, id);
      if (type === PieceType.USER_DEFINED) userDefined.push(piece);
      if (type === PieceType.UNKNOWN) unkId = id;
      if (type === PieceType.BYTE) {
        const match = /^<0x([0-9A-F]{2})>$/.exec(piece);
        if (!match) {
          throw new TokenizerModelError({
            path,
            field: `pieces[${id}]`,
            expected: 'a BYTE piece <0xHH>',
            actual: piece,
          });
        }
        this.byteIds[Number.parseInt(match[1], 16)] = id;
      }
      if (type === PieceType.NORMAL) {
        this.maxScore = Math.max(this.maxScore, this.scores[id]);
        this.minScore = Math.min(this.minScore, this.scores[id]);
      }
      if (normal) this.maxPieceLength = Math.max(this.maxPieceLength, piece.length);
      this.byteLengths[id] = utf8Bytes(piece).length;
    }
    if (unkId < 0) {
      throw new TokenizerModelError({
        path,
        field: 'pieces',
        expected: 'one UNKNOWN piece (<unk>)',
        actual: 'none',
      });
    }
    this.unkId = unkId;
    this.byteFallback = trainer.byte_fallback === true;
    if (this.byteFallback) {
      const missing = [...this.byteIds].flatMap((id, byte) => (id < 0 ? [byte] : []));
      if (missing.length > 0) {
        const hex = missing
          .slice(0, 4)
          .map((byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
        throw new TokenizerModelError({
          path,
          field: 'pieces',
          expected: 'all 256 BYTE pieces <0x00>..<0xFF> (trainer_spec.byte_fallback is true)',
          actual: `${missing.length} missing (${hex.join(', ')}${missing.length > 4 ? ', …' : ''})`,
        });
      }
    }
    this.userDefined = new PrefixMatcher(userDefined);
    const charsmap = proto.normalizer_spec?.precompiled_charsmap;
    if (charsmap && charsmap.length > 0) {
      try {
        this.charsmap = new PrecompiledCharsmap(charsmap);
      } catch (error) {
        throw new TokenizerModelError({
          path,
          field: 'normalizer_spec.precompiled_charsmap',
          expected: 'a valid precompiled charsmap',
          actual: (error as Error).message,
        });
      }
    }
    if (this.modelType === 'bpe') {
      if (merges) this.buildRankedPairs(merges);
      else this.buildPairs();
    }
  }

  /** Symbol id of a single character: a piece, or an extra id ≥ vocab size when `create`; -1 otherwise. */
  private symbolOfChar(text: string, create: boolean): number {
    const id = this.normalPieces.get(text);
    const code = text.codePointAt(0)!;
    if (text.length !== (code > 0xffff ? 2 : 1)) return id ?? -1;
    const known = this.symbolOfCode(code);
    if (known >= 0) return known;
    if (id !== undefined) {
      this.setCodeSymbol(code, id);
      return id;
    }
    if (!create) return -1;
    const extra = this.pieces.length + this.extraCodes.length;
    this.extraCodes.push(code);
    this.setCodeSymbol(code, extra);
    return extra;
  }

  private setCodeSymbol(code: number, id: number): void {
    if (code < 0x10000) this.bmpSymbols[code] = id;
    else this.astralSymbols.set(code, id);
  }

  /** Symbol id of a code point, or -1. */
  symbolOfCode(code: number): number {
    return code < 0x10000 ? this.bmpSymbols[code] : (this.astralSymbols.get(code) ?? -1);
  }

  /** Every (left, right) split of every mergeable piece whose halves can be symbols. */
  private buildPairs(): void {
    for (const [piece] of this.normalPieces) if (piece.length <= 2) this.symbolOfChar(piece, false);
    const symbolOf = (text: string): number => this.normalPieces.get(text) ?? this.symbolOfChar(text, true);
    for (const [piece, id] of this.normalPieces) {
      for (let split = 1; split < piece.length; split++) {
        const code = piece.charCodeAt(split);
        if (code >= 0xdc00 && code <= 0xdfff) continue; // inside a surrogate pair
        const left = symbolOf(piece.slice(0, split));
        if (left < 0) continue;
        const right = symbolOf(piece.slice(split));
        if (right < 0) continue;
        this.pairs.set(left, right, id);
      }
    }
  }

  /** Pairs from an explicit merge list; priority = -rank. */
  private buildRankedPairs(merges: ReadonlyArray<readonly [string, string]>): void {
    this.ranked = true;
    for (const [piece] of this.normalPieces) if (piece.length <= 2) this.symbolOfChar(piece, false);
    merges.forEach(([leftPiece, rightPiece], rank) => {
      const left = this.normalPieces.get(leftPiece);
      const right = this.normalPieces.get(rightPiece);
      const merged = this.normalPieces.get(leftPiece + rightPiece);
      if (left === undefined || right === undefined || merged === undefined) return;
      this.pairs.set(left, right, merged, rank);
    });
  }

  lookupMerge(left: number, right: number, out: { merged: number; score: number }): boolean {
    const slot = this.pairs.find(left, right);
    if (slot < 0) return false;
    const merged = this.pairs.valueAt(slot);
    out.merged = merged;
    out.score = this.ranked ? -this.pairs.rankAt(slot) : this.scores[merged];
    return true;
  }

  score(id: number): number {
    return this.scores[id];
  }

  isUnused(id: number): boolean {
    return id < this.types.length && this.types[id] === PieceType.UNUSED;
  }
  isUserDefined(id: number): boolean {
    return this.types[id] === PieceType.USER_DEFINED;
  }

  byteLength(id: number): number {
    return this.byteLengths[id];
  }
  lookup(piece: string): number | undefined {
    const id = this.normalPieces.get(piece);
    return id === undefined || this.types[id] === PieceType.UNUSED ? undefined : id;
  }
  /** sentencepiece's `PieceToId`: reserved pieces first, then normal ones, else `<unk>`. */
  pieceToId(piece: string): number {
    return this.reservedPieces.get(piece) ?? this.normalPieces.get(piece) ?? this.unkId;
  }
}
