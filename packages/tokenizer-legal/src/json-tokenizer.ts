import { readFile } from 'node:fs/promises';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { TokenizerFileError, TokenizerModelError } from './errors.js';
import { type ModelProto, ModelType, PieceType, type SentencePieceEntry } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
import type { EncodeOptions } from './tokenizer.js';

type JsonObject = Record<string, unknown>;

/**
 * A Hugging Face `tokenizer.json` (BPE or Unigram over `▁`-escaped text, as LLaMA-family tokenizers are).
 * The file is parsed and validated by the `tokenizers` binding ({@link backend}); `encode` runs the same
 * algorithm synchronously in JavaScript: by piece score with sentencepiece's leftmost tie-break when the file
 * carries `model.piece_scores` (files converted by this package), else by merge rank as HF tokenizers does.
 */
export class JsonTokenizer extends SentencePieceTokenizer {
  override readonly format = 'tokenizer.json' as const;
  /** The `tokenizers` binding's tokenizer for this file. */
  readonly backend: BindingTokenizer;
  /** The file's JSON text, written back unchanged by `save`. */
  readonly jsonText: string;
  /**
   * True when the file carries SentencePiece piece scores (`model.piece_scores`, or a Unigram model): then
   * it is exactly a SentencePiece model and `save` also writes an equivalent `tokenizer.model`.
   */
  readonly hasPieceScores: boolean;

  constructor(options: {
    proto: ModelProto;
    path: string;
    merges?: Array<[string, string]>;
    backend: BindingTokenizer;
    jsonText: string;
  }) {
    super(options.proto, options.path, options.merges);
    this.backend = options.backend;
    this.jsonText = options.jsonText;
    this.hasPieceScores = options.merges === undefined;
  }

  /** Parse, validate (through the `tokenizers` binding) and load a `tokenizer.json`. */
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
    let json: JsonObject;
    try {
      json = JSON.parse(text) as JsonObject;
    } catch (error) {
      throw new TokenizerFileError(
        path,
        `not valid JSON (truncated or corrupt): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    let backend: BindingTokenizer;
    try {
      backend = BindingTokenizer.fromString(text);
    } catch (error) {
      throw new TokenizerFileError(path, `rejected by the tokenizers library: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const { proto, merges } = protoFromJson(json, path);
    return new JsonTokenizer({ proto, path, merges, backend, jsonText: text });
  }

  /** Encode with the `tokenizers` binding itself (HF semantics: added tokens in the text are matched). */
  async encodeWithBackend(
    text: string,
    { addBos = false, addEos = false }: EncodeOptions = {},
  ): Promise<number[]> {
    const ids = (await this.backend.encode(text, null, { addSpecialTokens: false })).getIds();
    if (addBos && this.bosId >= 0) ids.unshift(this.bosId);
    if (addEos && this.eosId >= 0) ids.push(this.eosId);
    return ids;
  }
}

function fail(path: string, field: string, expected: string, actual: unknown): never {
  throw new TokenizerModelError({
    path,
    field,
    expected,
    actual: JSON.stringify(actual)?.slice(0, 80) ?? 'undefined',
  });
}

/** Normalization flags of a LLaMA-style `tokenizer.json` (Prepend/Replace normalizer or Metaspace). */
function readNormalization(json: JsonObject, path: string): { addDummyPrefix: boolean } {
  let addDummyPrefix = false;
  let escapes = false;
  const visitNormalizer = (node: JsonObject | null): void => {
    if (node === null) return;
    if (node.type === 'Sequence') (node.normalizers as JsonObject[]).forEach(visitNormalizer);
    else if (node.type === 'Prepend' && node.prepend === '\u2581') addDummyPrefix = true;
    else if (
      node.type === 'Replace' &&
      (node.pattern as JsonObject)?.String === ' ' &&
      node.content === '\u2581'
    )
      escapes = true;
    else fail(path, 'normalizer', 'Prepend "▁" / Replace " " → "▁" (LLaMA style)', node.type);
  };
  visitNormalizer((json.normalizer as JsonObject) ?? null);
  const preTokenizer = (json.pre_tokenizer as JsonObject) ?? null;
  if (preTokenizer !== null) {
    if (preTokenizer.type !== 'Metaspace' || preTokenizer.split === true) {
      fail(path, 'pre_tokenizer', 'null or Metaspace without split', preTokenizer.type);
    }
    escapes = true;
    addDummyPrefix = preTokenizer.prepend_scheme !== 'never' && preTokenizer.add_prefix_space !== false;
  }
  if (!escapes) fail(path, 'normalizer', 'spaces replaced by "▁"', json.normalizer);
  return { addDummyPrefix };
}

/** Rebuild a SentencePiece `ModelProto` equivalent to a LLaMA-style `tokenizer.json`. */
function protoFromJson(
  json: JsonObject,
  path: string,
): { proto: ModelProto; merges?: Array<[string, string]> } {
  const model = json.model as JsonObject | undefined;
  if (!model || typeof model !== 'object') fail(path, 'model', 'an object', model);
  const type = model.type;
  if (type !== 'BPE' && type !== 'Unigram') fail(path, 'model.type', 'BPE or Unigram', type);
  const special = new Map<number, boolean>();
  for (const token of (json.added_tokens as JsonObject[] | undefined) ?? [])
    special.set(token.id as number, token.special === true);
  let pieces: Array<{ piece: string; score: number }>;
  let unkId: number;
  let merges: Array<[string, string]> | undefined;
  if (type === 'BPE') {
    const vocab = model.vocab as Record<string, number>;
    if (!vocab || typeof vocab !== 'object') fail(path, 'model.vocab', 'an object piece → id', vocab);
    const size = Object.keys(vocab).length;
    pieces = new Array(size);
    for (const [piece, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || id < 0 || id >= size || pieces[id])
        fail(path, `model.vocab[${piece}]`, `a unique id < ${size}`, id);
      pieces[id] = { piece, score: 0 };
    }
    const rawMerges = (model.merges as Array<string | [string, string]>) ?? [];
    const pairs = rawMerges.map((merge): [string, string] => {
      if (Array.isArray(merge)) return [merge[0], merge[1]];
      const space = merge.indexOf(' ');
      return [merge.slice(0, space), merge.slice(space + 1)];
    });
    const scores = model.piece_scores as number[] | undefined;
    if (Array.isArray(scores) && scores.length === size) {
      scores.forEach((score, id) => {
        pieces[id].score = score;
      });
    } else merges = pairs;
    const unkToken = model.unk_token as string | undefined;
    unkId = unkToken !== undefined && unkToken !== null ? (vocab[unkToken] ?? -1) : -1;
  } else {
    const vocab = model.vocab as Array<[string, number]>;
    if (!Array.isArray(vocab)) fail(path, 'model.vocab', 'an array of [piece, score]', vocab);
    pieces = vocab.map(([piece, score]) => ({ piece, score }));
    unkId = (model.unk_id as number | undefined) ?? -1;
  }
  if (unkId < 0 || unkId >= pieces.length) fail(path, 'model.unk_token', 'a piece of the vocabulary', unkId);
  const byteFallback = model.byte_fallback === true;
  const entries: SentencePieceEntry[] = pieces.map(({ piece, score }, id) => {
    let pieceType: number = PieceType.NORMAL;
    if (id === unkId) pieceType = PieceType.UNKNOWN;
    else if (special.get(id) === true) pieceType = PieceType.CONTROL;
    else if (special.get(id) === false) pieceType = PieceType.USER_DEFINED;
    else if (byteFallback && /^<0x[0-9A-F]{2}>$/.test(piece)) pieceType = PieceType.BYTE;
    return { piece, score, type: pieceType };
  });
  const { addDummyPrefix } = readNormalization(json, path);
  const bos = entries.find((entry) => entry.type === PieceType.CONTROL && entry.piece === '<s>');
  const eos = entries.find((entry) => entry.type === PieceType.CONTROL && entry.piece === '</s>');
  const proto: ModelProto = {
    pieces: entries,
    trainer_spec: {
      model_type: type === 'BPE' ? ModelType.BPE : ModelType.UNIGRAM,
      vocab_size: entries.length,
      byte_fallback: byteFallback,
      unk_id: unkId,
      unk_piece: entries[unkId].piece,
      bos_id: bos ? entries.indexOf(bos) : -1,
      eos_id: eos ? entries.indexOf(eos) : -1,
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
