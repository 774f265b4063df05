import { GGUF_TOKEN_TYPES } from '@lawgpt/common';
import { GgufError, InputError } from '../errors.js';
import type { GgufFile } from './gguf-reader.js';
import type { GgufValue } from './gguf-types.js';

export { GGUF_TOKEN_TYPES };

/** Special ids of a vocabulary ({@link GgufVocabulary}, {@link ggufVocabularyFromPieces}). */
export interface VocabularyIds {
  bosId: number;
  eosId: number;
  unkId: number;
  padId?: number;
  /** Written as `tokenizer.ggml.add_bos_token` when set (llama.cpp then prepends BOS when tokenizing). */
  addBosToken?: boolean;
  /** Written as `tokenizer.ggml.add_eos_token` when set. */
  addEosToken?: boolean;
}

/** A SentencePiece-style (`llama`) vocabulary for a GGUF file. */
export interface GgufVocabulary extends VocabularyIds {
  /** Tokenizer family; `llama` = SentencePiece BPE with byte fallback (llama.cpp's SPM tokenizer). */
  model: 'llama';
  /** Piece of each id (`▁` U+2581 marks a space; byte pieces are `<0x00>`…`<0xFF>`). */
  tokens: string[];
  /** Score of each piece (BPE merge priority: higher merges first). */
  scores: number[];
  /** Type of each piece, see {@link GGUF_TOKEN_TYPES}. */
  tokenTypes: number[];
}

/** Options of {@link placeholderVocabulary}. */
export interface PlaceholderVocabularyOptions {
  /** Number of ids; at least 259 (`<unk>`, `<s>`, `</s>` and the 256 byte pieces). */
  vocabSize: number;
}

const SPECIAL_AND_BYTES = 3 + 256;

/**
 * A valid SentencePiece-style vocabulary for a model without a tokenizer (random models, benchmarks):
 * `<unk>` (0), `<s>` (1), `</s>` (2), the byte pieces `<0x00>`…`<0xFF>` (3–258), then `▁` (the space piece,
 * 259) and placeholder pieces `<placeholder_N>` (normal type, score −N). llama.cpp loads it and tokenizes any
 * text by byte fallback, and text round-trips through tokenize/detokenize.
 */
export function placeholderVocabulary({ vocabSize }: PlaceholderVocabularyOptions): GgufVocabulary {
  if (!Number.isInteger(vocabSize) || vocabSize < SPECIAL_AND_BYTES) {
    throw new InputError(
      'vocabSize',
      `an integer >= ${SPECIAL_AND_BYTES} (3 special pieces <unk> <s> </s> + 256 byte pieces <0x00>..<0xFF>)`,
      vocabSize,
    );
  }
  const tokens = ['<unk>', '<s>', '</s>'];
  const tokenTypes: number[] = [GGUF_TOKEN_TYPES.unknown, GGUF_TOKEN_TYPES.control, GGUF_TOKEN_TYPES.control];
  const scores = [0, 0, 0];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    tokenTypes.push(GGUF_TOKEN_TYPES.byte);
    scores.push(0);
  }
  for (let id = SPECIAL_AND_BYTES; id < vocabSize; id++) {
    tokens.push(id === SPECIAL_AND_BYTES ? '\u2581' : `<placeholder_${id}>`);
    tokenTypes.push(GGUF_TOKEN_TYPES.normal);
    scores.push(-(id - SPECIAL_AND_BYTES));
  }
  return { model: 'llama', tokens, scores, tokenTypes, unkId: 0, bosId: 1, eosId: 2 };
}

/** One SentencePiece piece as plain data (e.g. from `@lawgpt/tokenizer-legal`'s model proto). */
export interface VocabularyPiece {
  piece: string;
  score: number;
  /** SentencePiece type number (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte). */
  type: number;
}

/** A {@link GgufVocabulary} from SentencePiece pieces (id = index) and special ids. */
export function ggufVocabularyFromPieces(
  pieces: readonly VocabularyPiece[],
  ids: VocabularyIds,
): GgufVocabulary {
  const vocabulary: GgufVocabulary = {
    model: 'llama',
    tokens: pieces.map((entry) => entry.piece),
    scores: pieces.map((entry) => entry.score),
    tokenTypes: pieces.map((entry) => entry.type),
    ...ids,
  };
  validateVocabulary(vocabulary, pieces.length);
  return vocabulary;
}

/** Check lengths, types and special ids against the model's `vocabSize`; throws {@link InputError}. */
export function validateVocabulary(vocabulary: GgufVocabulary, vocabSize: number): void {
  if (vocabulary.model !== 'llama') throw new InputError('vocabulary.model', '"llama"', vocabulary.model);
  for (const field of ['tokens', 'scores', 'tokenTypes'] as const) {
    const length = vocabulary[field]?.length;
    if (length !== vocabSize) {
      throw new InputError(`vocabulary.${field}`, `${vocabSize} entries (the model's vocab_size)`, length);
    }
  }
  vocabulary.tokenTypes.forEach((type, id) => {
    if (!Number.isInteger(type) || type < 1 || type > 6) {
      throw new InputError(`vocabulary.tokenTypes[${id}]`, 'a token type 1-6', type);
    }
  });
  vocabulary.scores.forEach((score, id) => {
    if (!Number.isFinite(score)) throw new InputError(`vocabulary.scores[${id}]`, 'a finite number', score);
  });
  for (const field of ['bosId', 'eosId', 'unkId', 'padId'] as const) {
    const id = vocabulary[field];
    if (id === undefined && field === 'padId') continue;
    if (id === undefined || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new InputError(`vocabulary.${field}`, `an id in [0, ${vocabSize})`, id);
    }
  }
}

/** The `tokenizer.ggml.*` metadata of a vocabulary, as llama.cpp's converter writes it. */
export function vocabularyMetadata(vocabulary: GgufVocabulary): [string, GgufValue][] {
  const pairs: [string, GgufValue][] = [
    ['tokenizer.ggml.model', { type: 'string', value: vocabulary.model }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', items: vocabulary.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', items: vocabulary.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', items: vocabulary.tokenTypes }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: vocabulary.bosId }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: vocabulary.eosId }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: vocabulary.unkId }],
  ];
  if (vocabulary.padId !== undefined) {
    pairs.push(['tokenizer.ggml.padding_token_id', { type: 'u32', value: vocabulary.padId }]);
  }
  if (vocabulary.addBosToken !== undefined) {
    pairs.push(['tokenizer.ggml.add_bos_token', { type: 'bool', value: vocabulary.addBosToken }]);
  }
  if (vocabulary.addEosToken !== undefined) {
    pairs.push(['tokenizer.ggml.add_eos_token', { type: 'bool', value: vocabulary.addEosToken }]);
  }
  return pairs;
}

/**
 * The SentencePiece-style vocabulary a GGUF file carries (`tokenizer.ggml.model` `llama`: tokens, scores, token
 * types and special ids), for a tokenizer library to rebuild the tokenizer (e.g. `@lawgpt/tokenizer-legal`'s
 * `fromGgufPieces`). Throws {@link GgufError} naming the key for another tokenizer model or missing arrays.
 */
export function readGgufVocabulary(file: GgufFile): GgufVocabulary & { addSpacePrefix: boolean } {
  const field = (key: string) => `metadata["tokenizer.ggml.${key}"]`;
  const model = file.value('tokenizer.ggml.model');
  if (model !== 'llama') {
    throw new GgufError(
      file.path,
      `tokenizer model ${JSON.stringify(model)} is not a SentencePiece one ("llama"; a "gpt2" vocabulary is read by readGgufBpeVocabulary)`,
      field('model'),
    );
  }
  const tokens = file.value('tokenizer.ggml.tokens');
  if (!Array.isArray(tokens) || tokens.some((token) => typeof token !== 'string')) {
    throw new GgufError(file.path, 'must be an array of strings', field('tokens'));
  }
  const numbers = (key: string, fallback: number): number[] => {
    const values = file.value(`tokenizer.ggml.${key}`);
    if (values === undefined) return tokens.map(() => fallback);
    if (
      !Array.isArray(values) ||
      values.length !== tokens.length ||
      values.some((v) => typeof v !== 'number')
    ) {
      throw new GgufError(file.path, `must be ${tokens.length} numbers, one per token`, field(key));
    }
    return values as number[];
  };
  const id = (key: string, fallback?: number): number | undefined => {
    const value = file.value(`tokenizer.ggml.${key}`);
    return typeof value === 'number' ? value : fallback;
  };
  const padId = id('padding_token_id');
  const addBos = file.value('tokenizer.ggml.add_bos_token');
  const addEos = file.value('tokenizer.ggml.add_eos_token');
  return {
    model: 'llama',
    tokens: tokens as string[],
    scores: numbers('scores', 0),
    tokenTypes: numbers('token_type', GGUF_TOKEN_TYPES.normal),
    unkId: id('unknown_token_id', 0)!,
    bosId: id('bos_token_id', 1)!,
    eosId: id('eos_token_id', 2)!,
    ...(padId !== undefined && { padId }),
    ...(typeof addBos === 'boolean' && { addBosToken: addBos }),
    ...(typeof addEos === 'boolean' && { addEosToken: addEos }),
    addSpacePrefix: file.value('tokenizer.ggml.add_space_prefix') !== false,
  };
}
