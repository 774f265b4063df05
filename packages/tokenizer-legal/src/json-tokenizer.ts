import { readFile } from 'node:fs/promises';
import { TokenizerFileError } from './errors.js';
import { importTokenizers } from './internal/tokenizers-binding.js';
import { validateTokenizerJson } from './internal/validate-tokenizer-json.js';
import { type ModelProto, ModelType, PieceType, type SentencePieceEntry } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
import type { EncodeOptions } from './tokenizer.js';

/**
 * The part of the Hugging Face `tokenizers` binding's `Tokenizer` that {@link JsonTokenizer.loadBackend}
 * promises (declared here: `tokenizers` is an optional peer dependency and may be absent).
 */
export interface TokenizersBinding {
  /** Encode one text, as the binding's `encode(text, null, { addSpecialTokens })`. */
  encode(
    text: string,
    pair: null,
    options: { addSpecialTokens: boolean },
  ): Promise<{ getIds(): number[]; getTokens(): string[] }>;
  /** Decode ids to text. */
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
}

/**
 * A Hugging Face `tokenizer.json` (BPE or Unigram over `▁`-escaped text, as LLaMA-family tokenizers are).
 * The file is validated in JavaScript (every problem a `TokenizerModelError` naming its JSON field), and
 * `encode` runs the algorithm synchronously: by piece score with sentencepiece's leftmost tie-break when the
 * file carries `model.piece_scores` (files converted by this package), else by merge rank as HF tokenizers
 * does. The `tokenizers` binding (an optional peer dependency) is loaded only by {@link loadBackend}.
 */
export class JsonTokenizer extends SentencePieceTokenizer {
  override readonly format = 'tokenizer.json' as const;
  /** The file's JSON text, written back unchanged by `save`. */
  readonly jsonText: string;
  /**
   * True when the file carries SentencePiece piece scores (`model.piece_scores`, or a Unigram model): then
   * it is exactly a SentencePiece model and `save` also writes an equivalent `tokenizer.model`.
   */
  readonly hasPieceScores: boolean;
  private backendPromise?: Promise<TokenizersBinding>;

  constructor(options: {
    proto: ModelProto;
    path: string;
    merges?: Array<[string, string]>;
    jsonText: string;
  }) {
    super(options.proto, options.path, options.merges);
    this.jsonText = options.jsonText;
    this.hasPieceScores = options.merges === undefined;
  }

  /** Parse, validate and load a `tokenizer.json`. */
  static override async fromFile(path: string): Promise<JsonTokenizer> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new TokenizerFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
    }
    return JsonTokenizer.fromString(text, path);
  }

  /** Load from JSON text; `path` names the source in errors. */
  static fromString(text: string, path = '<memory>'): JsonTokenizer {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new TokenizerFileError(
        path,
        `not valid JSON (truncated or corrupt): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const { proto, merges } = protoFromJson(json, path);
    return new JsonTokenizer({ proto, path, merges, jsonText: text });
  }

  /**
   * The Hugging Face `tokenizers` binding's tokenizer for this file, imported and parsed on the first call
   * (then cached). Rejects with a `TokenizerDependencyError` when the optional peer `tokenizers` is not
   * installed (`npm i tokenizers`), with a `TokenizerFileError` when the binding rejects the file.
   */
  loadBackend(): Promise<TokenizersBinding> {
    this.backendPromise ??= importTokenizers().then((Tokenizer) => {
      try {
        return Tokenizer.fromString(this.jsonText);
      } catch (error) {
        throw new TokenizerFileError(
          this.path,
          `rejected by the tokenizers library: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    });
    this.backendPromise.catch(() => {
      this.backendPromise = undefined; // a later call may try again (e.g. after installing tokenizers)
    });
    return this.backendPromise;
  }

  /**
   * Encode with the `tokenizers` binding itself (HF semantics: added tokens in the text are matched); needs
   * the optional peer dependency `tokenizers` (see {@link loadBackend}).
   */
  async encodeWithBackend(
    text: string,
    { addBos = false, addEos = false }: EncodeOptions = {},
  ): Promise<number[]> {
    const backend = await this.loadBackend();
    const ids = (await backend.encode(text, null, { addSpecialTokens: false })).getIds();
    if (addBos && this.bosId >= 0) ids.unshift(this.bosId);
    if (addEos && this.eosId >= 0) ids.push(this.eosId);
    return ids;
  }
}

/** Rebuild a SentencePiece `ModelProto` equivalent to a LLaMA-style `tokenizer.json`. */
function protoFromJson(json: unknown, path: string): { proto: ModelProto; merges?: Array<[string, string]> } {
  const { type, pieces, merges, unkId, byteFallback, special, addDummyPrefix } = validateTokenizerJson(
    json,
    path,
  );
  const entries: SentencePieceEntry[] = pieces.map(({ piece, score }, id) => {
    let pieceType: number = PieceType.NORMAL;
    if (id === unkId) pieceType = PieceType.UNKNOWN;
    else if (special.get(id) === true) pieceType = PieceType.CONTROL;
    else if (special.get(id) === false) pieceType = PieceType.USER_DEFINED;
    else if (byteFallback && /^<0x[0-9A-F]{2}>$/.test(piece)) pieceType = PieceType.BYTE;
    return { piece, score, type: pieceType };
  });
  const bos = entries.findIndex((entry) => entry.type === PieceType.CONTROL && entry.piece === '<s>');
  const eos = entries.findIndex((entry) => entry.type === PieceType.CONTROL && entry.piece === '</s>');
  const proto: ModelProto = {
    pieces: entries,
    trainer_spec: {
      model_type: type === 'BPE' ? ModelType.BPE : ModelType.UNIGRAM,
      vocab_size: entries.length,
      byte_fallback: byteFallback,
      unk_id: unkId,
      unk_piece: entries[unkId].piece,
      bos_id: bos,
      eos_id: eos,
    },
    normalizer_spec: {
      name: 'identity',
      add_dummy_prefix: addDummyPrefix,
      remove_extra_whitespaces: false,
      escape_whitespaces: true,
    },
  };
  return { proto, merges };
}
