import { readFile } from 'node:fs/promises';
import { TokenizerFileError, TokenizerInputError } from './errors.js';
import { BpeEncoder } from './internal/bpe-encoder.js';
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
  private readonly bpe: BpeEncoder;
  /** Identity normalization without user-defined pieces: normalize while reading characters. */
  private readonly fastNormalize: boolean;
  private readonly hasUserDefined: boolean;

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
    this.bpe = new BpeEncoder(this.vocabulary);
    this.hasUserDefined = this.vocabulary.userDefined.size > 0;
    const settings = this.settings;
    this.fastNormalize =
      !settings.charsmap &&
      !this.hasUserDefined &&
      !settings.removeExtraWhitespaces &&
      settings.escapeWhitespaces &&
      !settings.treatWhitespaceAsSuffix;
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
    const ids: number[] = [];
    const surfaces: Array<string | undefined> = [];
    this.encodeInto(text, ids, surfaces);
    const pieces = ids.map((id, index) => surfaces[index] ?? this.vocabulary.pieces[id]);
    return { ids, pieces };
  }

  /** Encode `text`, appending ids to `ids` (and, for `<unk>` pieces, their surface to `surfaces`). */
  private encodeInto(text: string, ids: number[], surfaces?: Array<string | undefined>): void {
    const vocabulary = this.vocabulary;
    if (this.modelType === 'unigram') {
      const normalized = normalize(text, this.settings);
      for (const [start, end, id] of unigramSegment(normalized, vocabulary)) {
        this.emit(id, normalized.slice(start, end), ids, surfaces);
      }
      return;
    }
    const count = this.initialSymbols(text);
    const symbols = this.symbolsOut;
    symbols.length = 0;
    this.bpe.segment(this.codes, count, this.hasUserDefined ? this.frozen : undefined, symbols);
    const size = this.vocabSize;
    for (let index = 0; index < symbols.length; index++) {
      const symbol = symbols[index];
      if (symbol >= 0 && symbol < size) {
        ids.push(symbol);
        if (surfaces) surfaces[ids.length - 1] = undefined;
        continue;
      }
      // A character that is not a piece: reserved piece, byte fallback, or <unk>.
      const code = symbol >= size ? vocabulary.extraCodes[symbol - size] : -1 - symbol;
      const char = String.fromCodePoint(code);
      this.emit(vocabulary.pieceToId(char), char, ids, surfaces);
    }
  }

  private emit(id: number, surface: string, ids: number[], surfaces?: Array<string | undefined>): void {
    const vocabulary = this.vocabulary;
    if (id === this.unkId && vocabulary.byteFallback) {
      for (const byte of utf8Bytes(surface)) ids.push(vocabulary.byteIds[byte]);
      return;
    }
    if (id === this.unkId && ids.length > 0 && ids[ids.length - 1] === id) {
      // A run of unknown pieces becomes one, as sentencepiece does.
      if (surfaces) surfaces[ids.length - 1] += surface;
      return;
    }
    ids.push(id);
    if (surfaces) surfaces[ids.length - 1] = id === this.unkId ? surface : undefined;
  }

  private codes = new Int32Array(256);
  private frozen = new Uint8Array(256);
  private readonly symbolsOut: number[] = [];

  /**
   * Initial BPE symbols of `text` into `this.codes`: one per character of the normalized text (negative
   * `-1 - codePoint` for characters that are no symbol), user-defined pieces as single frozen symbols.
   */
  private initialSymbols(text: string): number {
    const vocabulary = this.vocabulary;
    const fast = this.fastNormalize;
    const source = fast ? text : normalize(text, this.settings);
    if (source.length === 0) return 0;
    const capacity = source.length + 2;
    if (this.codes.length < capacity) {
      this.codes = new Int32Array(capacity * 2);
      this.frozen = new Uint8Array(capacity * 2);
    }
    const codes = this.codes;
    const frozen = this.frozen;
    const matcher = this.hasUserDefined ? vocabulary.userDefined : undefined;
    let count = 0;
    if (fast && this.settings.addDummyPrefix) codes[count++] = vocabulary.symbolOfCode(0x2581);
    if (fast && this.settings.addDummyPrefix && codes[0] < 0) codes[0] = -1 - 0x2581;
    let position = 0;
    while (position < source.length) {
      let code = source.charCodeAt(position);
      let width = 1;
      if (code >= 0xd800 && code <= 0xdfff) {
        const low = source.charCodeAt(position + 1);
        if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          code = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          width = 2;
        } else code = 0xfffd;
      }
      if (matcher) {
        const matched = matcher.matchString(source, position, String.fromCodePoint(code));
        if (matched > 0) {
          frozen[count] = 1;
          codes[count++] = vocabulary.normalPieces.get(source.slice(position, position + matched))!;
          position += matched;
          continue;
        }
        frozen[count] = 0;
      }
      if (fast && code === 0x20) code = 0x2581;
      const symbol = vocabulary.symbolOfCode(code);
      codes[count++] = symbol >= 0 ? symbol : -1 - code;
      position += width;
    }
    return count;
  }

  encode(text: string, { addBos = false, addEos = false }: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    this.encodeInto(text, ids);
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
        throw new TokenizerInputError(
          `ids[${index}]`,
          `${id} is not an id of this ${this.vocabSize}-piece vocabulary`,
        );
      }
      const type = types[id];
      if (type === PieceType.BYTE) {
        bytes.push(Number.parseInt(pieces[id].slice(3, 5), 16));
        atStart = false;
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
