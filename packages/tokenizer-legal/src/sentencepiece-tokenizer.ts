import { readFile } from 'node:fs/promises';
import { TokenizerFileError, TokenizerInputError } from './errors.js';
import { bpeSegment } from './internal/bpe-encoder.js';
import { type NormalizerSettings, normalize, SPACE_SYMBOL } from './internal/normalizer.js';
import { SentencePieceVocabulary } from './internal/sentencepiece-vocabulary.js';
import { unigramSegment } from './internal/unigram-encoder.js';
import { decodeUtf8Lenient, utf8Bytes } from './internal/utf8.js';
import { decodeModelProto, encodeModelProto, type ModelProto, PieceType } from './model-proto.js';
import { saveTokenizerFiles } from './save-tokenizer.js';
import type { DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer.js';

/** A SentencePiece model (`tokenizer.model`) with encode/decode identical to the sentencepiece library. */
export class SentencePieceTokenizer implements Tokenizer {
  readonly format: 'sentencepiece' | 'tokenizer.json' = 'sentencepiece';
  readonly modelType: 'bpe' | 'unigram';
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number;
  readonly padId?: number;
  /** The decoded `ModelProto` (do not mutate; use `extendTokenizer` to derive a new model). */
  readonly proto: ModelProto;
  /** Where the model was read from (`<memory>` when built in code). */
  readonly path: string;
  private readonly vocabulary: SentencePieceVocabulary;
  private readonly settings: NormalizerSettings;
  private readonly unkSurface: string;

  /**
   * @param proto The model.
   * @param path Its file, for error messages.
   * @param merges Hugging Face merge list: merge by list rank instead of piece score (see {@link SentencePieceVocabulary}).
   */
  constructor(proto: ModelProto, path = '<memory>', merges?: ReadonlyArray<readonly [string, string]>) {
    this.proto = proto;
    this.path = path;
    this.vocabulary = new SentencePieceVocabulary(proto, path, merges);
    this.modelType = this.vocabulary.modelType;
    this.vocabSize = proto.pieces.length;
    const trainer = proto.trainer_spec ?? {};
    const normalizer = proto.normalizer_spec ?? {};
    const idOf = (piece: string | undefined, type: number): number => {
      const id = piece === undefined ? undefined : this.vocabulary.reservedPieces.get(piece);
      return id !== undefined && this.vocabulary.types[id] === type ? id : -1;
    };
    this.unkId = this.vocabulary.unkId;
    this.bosId = idOf(trainer.bos_piece ?? '<s>', PieceType.CONTROL);
    this.eosId = idOf(trainer.eos_piece ?? '</s>', PieceType.CONTROL);
    const padId = idOf(trainer.pad_piece ?? '<pad>', PieceType.CONTROL);
    if (padId >= 0) this.padId = padId;
    this.unkSurface = trainer.unk_surface ?? ' \u2047 ';
    this.settings = {
      addDummyPrefix: normalizer.add_dummy_prefix ?? true,
      removeExtraWhitespaces: normalizer.remove_extra_whitespaces ?? true,
      escapeWhitespaces: normalizer.escape_whitespaces ?? true,
      treatWhitespaceAsSuffix: trainer.treat_whitespace_as_suffix ?? false,
      charsmap: this.vocabulary.charsmap,
      userDefined: this.vocabulary.userDefined,
    };
  }

  /** Read a `tokenizer.model`; throws {@link TokenizerFileError} / `TokenizerModelError` naming the file. */
  static async fromFile(path: string): Promise<SentencePieceTokenizer> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new TokenizerFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
    }
    return new SentencePieceTokenizer(decodeModelProto(bytes, path), path);
  }

  /** Serialized `ModelProto` bytes (byte-identical to the input for an unmodified model). */
  toBytes(): Uint8Array {
    return encodeModelProto(this.proto);
  }

  /** The normalized string sentencepiece segments (dummy prefix, spaces → `▁`, charsmap). */
  normalize(text: string): string {
    return normalize(text, this.settings);
  }

  /** Ids and piece strings of `text` (no BOS/EOS). */
  encodeDetailed(text: string): { ids: number[]; pieces: string[] } {
    const normalized = normalize(text, this.settings);
    const vocabulary = this.vocabulary;
    const ids: number[] = [];
    const pieces: string[] = [];
    const size = this.vocabSize;
    const push = (id: number, surface: string): void => {
      if (id === this.unkId && vocabulary.byteFallback) {
        for (const byte of utf8Bytes(surface)) {
          const byteId = vocabulary.byteIds[byte];
          ids.push(byteId);
          pieces.push(vocabulary.pieces[byteId]);
        }
        return;
      }
      if (id === this.unkId && ids.length > 0 && ids[ids.length - 1] === id) {
        // A run of unknown pieces becomes one, as sentencepiece does.
        pieces[pieces.length - 1] += surface;
        return;
      }
      ids.push(id);
      pieces.push(id === this.unkId ? surface : vocabulary.pieces[id]);
    };
    if (this.modelType === 'bpe') {
      const { chars, frozen } = this.initialSymbols(normalized);
      for (const segment of bpeSegment(chars, frozen, vocabulary)) {
        const surface = normalized.slice(segment.start, segment.end);
        const id = segment.symbol >= 0 && segment.symbol < size ? segment.symbol : vocabulary.pieceToId(surface);
        push(id, surface);
      }
    } else {
      for (const [start, end, id] of unigramSegment(normalized, vocabulary)) push(id, normalized.slice(start, end));
    }
    return { ids, pieces };
  }

  /** Characters of the normalized string; user-defined pieces become single frozen symbols. */
  private initialSymbols(normalized: string): { chars: string[]; frozen: Uint8Array } {
    const chars: string[] = [];
    const frozenList: number[] = [];
    const matcher = this.vocabulary.userDefined.size > 0 ? this.vocabulary.userDefined : undefined;
    let position = 0;
    while (position < normalized.length) {
      const code = normalized.charCodeAt(position);
      const width = code >= 0xd800 && code <= 0xdbff && position + 1 < normalized.length ? 2 : 1;
      const char = width === 2 ? normalized.slice(position, position + 2) : normalized[position];
      const matched = matcher ? matcher.matchString(normalized, position, char) : 0;
      if (matched > 0) {
        chars.push(normalized.slice(position, position + matched));
        frozenList.push(1);
        position += matched;
      } else {
        chars.push(char);
        frozenList.push(0);
        position += width;
      }
    }
    return { chars, frozen: Uint8Array.from(frozenList) };
  }

  encode(text: string, { addBos = false, addEos = false }: EncodeOptions = {}): number[] {
    const ids = this.encodeDetailed(text).ids;
    if (addBos && this.bosId >= 0) ids.unshift(this.bosId);
    if (addEos && this.eosId >= 0) ids.push(this.eosId);
    return ids;
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): number[][] {
    return texts.map((text) => this.encode(text, options));
  }

  encodePieces(text: string): string[] {
    return this.encodeDetailed(text).pieces;
  }

  decode(ids: readonly number[], { skipSpecial = true }: DecodeOptions = {}): string {
    const { pieces, types } = this.vocabulary;
    const suffix = this.settings.treatWhitespaceAsSuffix;
    let text = '';
    let bytes: number[] = [];
    let atStart = true;
    const flush = (): void => {
      if (bytes.length === 0) return;
      text += decodeUtf8Lenient(Uint8Array.from(bytes));
      bytes = [];
    };
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index];
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new TokenizerInputError(`ids[${index}]`, `${id} is not an id of this ${this.vocabSize}-piece vocabulary`);
      }
      const type = types[id];
      if (type === PieceType.BYTE) {
        bytes.push(Number.parseInt(pieces[id].slice(3, 5), 16));
        continue;
      }
      flush();
      if (type === PieceType.CONTROL) {
        if (!skipSpecial) text += pieces[id];
        continue;
      }
      if (type === PieceType.UNKNOWN) {
        text += this.unkSurface;
        atStart = false;
        continue;
      }
      let piece = pieces[id];
      if (atStart && !suffix && piece.startsWith(SPACE_SYMBOL)) piece = piece.slice(1);
      text += piece.replaceAll(SPACE_SYMBOL, ' ');
      atStart = false;
    }
    flush();
    if (suffix && text.endsWith(' ')) text = text.slice(0, -1);
    return text;
  }

  idToPiece(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new TokenizerInputError('id', `${id} is outside the vocabulary [0, ${this.vocabSize})`);
    }
    return this.vocabulary.pieces[id];
  }

  pieceToId(piece: string): number | undefined {
    return this.vocabulary.reservedPieces.get(piece) ?? this.vocabulary.normalPieces.get(piece);
  }

  /** `PieceType` of an id (NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4, UNUSED 5, BYTE 6). */
  pieceType(id: number): number {
    this.idToPiece(id);
    return this.vocabulary.types[id];
  }

  /** Piece strings, scores and types in id order. */
  entries(): Array<{ piece: string; score: number; type: number }> {
    const { pieces, scores, types } = this.vocabulary;
    return pieces.map((piece, id) => ({ piece, score: scores[id], type: types[id] }));
  }

  save(dir: string): Promise<string[]> {
    return saveTokenizerFiles(this, dir);
  }
}
