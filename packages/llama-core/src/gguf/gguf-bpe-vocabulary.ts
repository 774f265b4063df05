import { BYTE_LEVEL_ALPHABET, type GgufBpeVocabulary } from '@lawgpt/common';
import { GgufError, InputError } from '../errors.js';
import type { GgufFile } from './gguf-reader.js';
import type { GgufValue } from './gguf-types.js';
import { GGUF_TOKEN_TYPES, type GgufVocabulary, readGgufVocabulary } from './gguf-vocabulary.js';

export type { GgufBpeVocabulary };

/**
 * A valid `gpt2` vocabulary for a model without a tokenizer (random models, tests): the 256 byte pieces as ids
 * 0–255 (byte order), then unused `[PAD<id>]` ids; no merges, pre-tokenizer `qwen2`. llama.cpp loads it and
 * tokenizes any text byte by byte.
 */
export function placeholderBpeVocabulary({ vocabSize }: { vocabSize: number }): GgufBpeVocabulary {
  if (!Number.isInteger(vocabSize) || vocabSize < 256) {
    throw new InputError('vocabSize', 'an integer >= 256 (the 256 byte pieces)', vocabSize);
  }
  const tokens = [...BYTE_LEVEL_ALPHABET]; // GPT-2's byte-level alphabet, in byte order
  const tokenTypes: number[] = tokens.map(() => GGUF_TOKEN_TYPES.normal);
  for (let id = 256; id < vocabSize; id++) {
    tokens.push(`[PAD${id}]`);
    tokenTypes.push(GGUF_TOKEN_TYPES.unused);
  }
  return { model: 'gpt2', pre: 'qwen2', tokens, tokenTypes, merges: [] };
}

/** Check lengths, types, merges and ids against the model's `vocabSize`; throws {@link InputError} naming the field. */
export function validateBpeVocabulary(vocabulary: GgufBpeVocabulary, vocabSize: number): void {
  for (const field of ['tokens', 'tokenTypes'] as const) {
    const length = vocabulary[field]?.length;
    if (length !== vocabSize) {
      throw new InputError(`vocabulary.${field}`, `${vocabSize} entries (the model's vocab_size)`, length);
    }
  }
  if (typeof vocabulary.pre !== 'string' || vocabulary.pre.length === 0)
    throw new InputError('vocabulary.pre', "llama.cpp's pre-tokenizer name, e.g. qwen2", vocabulary.pre);
  vocabulary.tokenTypes.forEach((type, id) => {
    if (!Number.isInteger(type) || type < 1 || type > 6) {
      throw new InputError(`vocabulary.tokenTypes[${id}]`, 'a token type 1-6', type);
    }
  });
  const known = new Set(vocabulary.tokens);
  vocabulary.merges.forEach((merge, index) => {
    const parts = typeof merge === 'string' ? merge.split(' ') : [];
    if (parts.length !== 2 || !known.has(parts[0]!) || !known.has(parts[1]!) || !known.has(parts.join(''))) {
      throw new InputError(
        `vocabulary.merges[${index}]`,
        '"left right", both sides and their join tokens',
        merge,
      );
    }
  });
  for (const field of ['bosId', 'eosId', 'unkId', 'padId'] as const) {
    const id = vocabulary[field];
    if (id !== undefined && (!Number.isInteger(id) || id < 0 || id >= vocabSize)) {
      throw new InputError(`vocabulary.${field}`, `an id in [0, ${vocabSize})`, id);
    }
  }
}

/** The `tokenizer.*` metadata of a `gpt2` vocabulary, as llama.cpp's converter writes it. */
export function bpeVocabularyMetadata(vocabulary: GgufBpeVocabulary): [string, GgufValue][] {
  const pairs: [string, GgufValue][] = [
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: vocabulary.pre }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', items: vocabulary.tokens }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', items: vocabulary.tokenTypes }],
    ['tokenizer.ggml.merges', { type: 'array', itemType: 'string', items: vocabulary.merges }],
  ];
  const ids: Array<[keyof GgufBpeVocabulary, string]> = [
    ['bosId', 'bos_token_id'],
    ['eosId', 'eos_token_id'],
    ['unkId', 'unknown_token_id'],
    ['padId', 'padding_token_id'],
  ];
  for (const [field, key] of ids) {
    const id = vocabulary[field];
    if (typeof id === 'number') pairs.push([`tokenizer.ggml.${key}`, { type: 'u32', value: id }]);
  }
  for (const [field, key] of [
    ['addBosToken', 'add_bos_token'],
    ['addEosToken', 'add_eos_token'],
  ] as const) {
    const flag = vocabulary[field];
    if (flag !== undefined) pairs.push([`tokenizer.ggml.${key}`, { type: 'bool', value: flag }]);
  }
  if (vocabulary.chatTemplate !== undefined)
    pairs.push(['tokenizer.chat_template', { type: 'string', value: vocabulary.chatTemplate }]);
  return pairs;
}

/**
 * The `gpt2` vocabulary a GGUF file carries (tokens, token types, merges, pre-tokenizer, special ids, chat
 * template), for a tokenizer library to rebuild the byte-level BPE tokenizer (e.g. `@lawgpt/tokenizer-legal`'s
 * `fromGgufBpe`). Throws {@link GgufError} naming the key.
 */
export function readGgufBpeVocabulary(file: GgufFile): GgufBpeVocabulary {
  const field = (key: string) => `metadata["tokenizer.ggml.${key}"]`;
  const strings = (key: string): string[] => {
    const values = file.value(`tokenizer.ggml.${key}`);
    if (!Array.isArray(values) || values.some((value) => typeof value !== 'string'))
      throw new GgufError(file.path, 'must be an array of strings', field(key));
    return values as string[];
  };
  const tokens = strings('tokens');
  const types = file.value('tokenizer.ggml.token_type') ?? tokens.map(() => GGUF_TOKEN_TYPES.normal);
  if (!Array.isArray(types) || types.length !== tokens.length || types.some((v) => typeof v !== 'number'))
    throw new GgufError(file.path, `must be ${tokens.length} numbers, one per token`, field('token_type'));
  const pre = file.value('tokenizer.ggml.pre') ?? 'default';
  if (typeof pre !== 'string') throw new GgufError(file.path, 'must be a string', field('pre'));
  const optional = <T>(key: string, kind: string): T | undefined => {
    const value = file.value(key);
    return typeof value === kind ? (value as T) : undefined;
  };
  const vocabulary: GgufBpeVocabulary = {
    model: 'gpt2',
    pre,
    tokens,
    tokenTypes: types as number[],
    merges: strings('merges'),
  };
  for (const [name, key] of [
    ['bosId', 'bos_token_id'],
    ['eosId', 'eos_token_id'],
    ['unkId', 'unknown_token_id'],
    ['padId', 'padding_token_id'],
  ] as const) {
    const id = optional<number>(`tokenizer.ggml.${key}`, 'number');
    if (id !== undefined) vocabulary[name] = id;
  }
  const addBos = optional<boolean>('tokenizer.ggml.add_bos_token', 'boolean');
  const addEos = optional<boolean>('tokenizer.ggml.add_eos_token', 'boolean');
  const chatTemplate = optional<string>('tokenizer.chat_template', 'string');
  if (addBos !== undefined) vocabulary.addBosToken = addBos;
  if (addEos !== undefined) vocabulary.addEosToken = addEos;
  if (chatTemplate !== undefined) vocabulary.chatTemplate = chatTemplate;
  return vocabulary;
}

/**
 * The vocabulary of a GGUF file whatever its tokenizer model: `llama` (SentencePiece, see `readGgufVocabulary`)
 * or `gpt2` (byte-level BPE). Another `tokenizer.ggml.model` is a {@link GgufError} naming the key and the
 * supported ones.
 */
export function readGgufModelVocabulary(
  file: GgufFile,
): (GgufVocabulary & { addSpacePrefix: boolean }) | GgufBpeVocabulary {
  const model = file.value('tokenizer.ggml.model');
  if (model === 'gpt2') return readGgufBpeVocabulary(file);
  if (model === 'llama') return readGgufVocabulary(file);
  throw new GgufError(
    file.path,
    `tokenizer model ${JSON.stringify(model)} is not supported ("llama": SentencePiece BPE, "gpt2": byte-level BPE)`,
    'metadata["tokenizer.ggml.model"]',
  );
}
