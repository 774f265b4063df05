import protobuf from 'protobufjs';
import { TokenizerFileError } from './errors.js';

/** SentencePiece piece types (`ModelProto.SentencePiece.Type`). */
export const PieceType = {
  NORMAL: 1,
  UNKNOWN: 2,
  CONTROL: 3,
  USER_DEFINED: 4,
  UNUSED: 5,
  BYTE: 6,
} as const;

/** SentencePiece model types (`TrainerSpec.ModelType`). */
export const ModelType = { UNIGRAM: 1, BPE: 2, WORD: 3, CHAR: 4 } as const;

/** One vocabulary entry of a `ModelProto`. */
export interface SentencePieceEntry {
  piece?: string;
  score?: number;
  type?: number;
}

/** `TrainerSpec` fields that this package reads (all others survive a load/save round trip too). */
export interface TrainerSpec {
  model_type?: number;
  vocab_size?: number;
  split_digits?: boolean;
  byte_fallback?: boolean;
  treat_whitespace_as_suffix?: boolean;
  unk_id?: number;
  bos_id?: number;
  eos_id?: number;
  pad_id?: number;
  unk_piece?: string;
  bos_piece?: string;
  eos_piece?: string;
  pad_piece?: string;
  unk_surface?: string;
  [field: string]: unknown;
}

/** `NormalizerSpec` fields. */
export interface NormalizerSpec {
  name?: string;
  precompiled_charsmap?: Uint8Array;
  add_dummy_prefix?: boolean;
  remove_extra_whitespaces?: boolean;
  escape_whitespaces?: boolean;
  normalization_rule_tsv?: string;
}

/** A decoded SentencePiece `ModelProto` (field names as in sentencepiece_model.proto). */
export interface ModelProto {
  pieces: SentencePieceEntry[];
  trainer_spec?: TrainerSpec;
  normalizer_spec?: NormalizerSpec;
  self_test_data?: { samples?: Array<{ input?: string; expected?: string }> };
  denormalizer_spec?: NormalizerSpec;
}

type FieldList = Array<
  [name: string, id: number, type: string, rule?: 'repeated' | 'optional', defaultValue?: unknown]
>;

// Field numbers follow the public sentencepiece_model.proto (proto2).
const trainerFields: FieldList = [
  ['input', 1, 'string', 'repeated'],
  ['input_format', 7, 'string'],
  ['model_prefix', 2, 'string'],
  ['model_type', 3, 'ModelType', 'optional', 'UNIGRAM'],
  ['vocab_size', 4, 'int32', 'optional', 8000],
  ['accept_language', 5, 'string', 'repeated'],
  ['self_test_sample_size', 6, 'int32'],
  ['enable_differential_privacy', 50, 'bool'],
  ['differential_privacy_noise_level', 51, 'float'],
  ['differential_privacy_clipping_threshold', 52, 'uint64'],
  ['character_coverage', 10, 'float', 'optional', 0.9995],
  ['input_sentence_size', 11, 'uint64'],
  ['shuffle_input_sentence', 19, 'bool'],
  ['mining_sentence_size', 12, 'int32'],
  ['training_sentence_size', 13, 'int32'],
  ['seed_sentencepiece_size', 14, 'int32'],
  ['shrinking_factor', 15, 'float'],
  ['max_sentence_length', 18, 'int32'],
  ['num_threads', 16, 'int32'],
  ['num_sub_iterations', 17, 'int32'],
  ['max_sentencepiece_length', 20, 'int32'],
  ['split_by_unicode_script', 21, 'bool', 'optional', true],
  ['split_by_number', 23, 'bool', 'optional', true],
  ['split_by_whitespace', 22, 'bool', 'optional', true],
  ['treat_whitespace_as_suffix', 24, 'bool'],
  ['allow_whitespace_only_pieces', 26, 'bool'],
  ['split_digits', 25, 'bool'],
  ['pretokenization_delimiter', 53, 'string'],
  ['control_symbols', 30, 'string', 'repeated'],
  ['user_defined_symbols', 31, 'string', 'repeated'],
  ['required_chars', 36, 'string'],
  ['byte_fallback', 35, 'bool'],
  ['vocabulary_output_piece_score', 32, 'bool', 'optional', true],
  ['hard_vocab_limit', 33, 'bool', 'optional', true],
  ['use_all_vocab', 34, 'bool'],
  ['unk_id', 40, 'int32'],
  ['bos_id', 41, 'int32', 'optional', 1],
  ['eos_id', 42, 'int32', 'optional', 2],
  ['pad_id', 43, 'int32', 'optional', -1],
  ['unk_piece', 45, 'string', 'optional', '<unk>'],
  ['bos_piece', 46, 'string', 'optional', '<s>'],
  ['eos_piece', 47, 'string', 'optional', '</s>'],
  ['pad_piece', 48, 'string', 'optional', '<pad>'],
  ['unk_surface', 44, 'string', 'optional', ' \u2047 '],
  ['train_extremely_large_corpus', 49, 'bool'],
  ['seed_sentencepieces_file', 54, 'string'],
];

const normalizerFields: FieldList = [
  ['name', 1, 'string'],
  ['precompiled_charsmap', 2, 'bytes'],
  ['add_dummy_prefix', 3, 'bool', 'optional', true],
  ['remove_extra_whitespaces', 4, 'bool', 'optional', true],
  ['escape_whitespaces', 5, 'bool', 'optional', true],
  ['normalization_rule_tsv', 6, 'string'],
];

function messageType(name: string, fields: FieldList): protobuf.Type {
  const type = new protobuf.Type(name);
  for (const [fieldName, id, fieldType, rule, defaultValue] of fields) {
    const options = defaultValue === undefined ? undefined : { default: defaultValue };
    type.add(new protobuf.Field(fieldName, id, fieldType, rule ?? 'optional', undefined, options));
  }
  // proto2 `extensions 200 to max;` — tolerated on decode (skipped as unknown fields).
  return type;
}

function buildRoot(): protobuf.Type {
  const root = new protobuf.Root();
  const namespace = root.define('sentencepiece');
  const trainer = messageType('TrainerSpec', trainerFields);
  trainer.add(new protobuf.Enum('ModelType', ModelType));
  const piece = messageType('SentencePiece', [
    ['piece', 1, 'string'],
    ['score', 2, 'float'],
    ['type', 3, 'Type', 'optional', 'NORMAL'],
  ]);
  piece.add(new protobuf.Enum('Type', PieceType));
  const sample = messageType('Sample', [
    ['input', 1, 'string'],
    ['expected', 2, 'string'],
  ]);
  const selfTest = messageType('SelfTestData', [['samples', 1, 'Sample', 'repeated']]);
  selfTest.add(sample);
  const model = messageType('ModelProto', [
    ['pieces', 1, 'SentencePiece', 'repeated'],
    ['trainer_spec', 2, 'TrainerSpec'],
    ['normalizer_spec', 3, 'NormalizerSpec'],
    ['self_test_data', 4, 'SelfTestData'],
    ['denormalizer_spec', 5, 'NormalizerSpec'],
  ]);
  model.add(piece);
  namespace.add(trainer);
  namespace.add(messageType('NormalizerSpec', normalizerFields));
  namespace.add(selfTest);
  namespace.add(model);
  root.resolveAll();
  return root.lookupType('sentencepiece.ModelProto');
}

let modelType: protobuf.Type | undefined;
function modelProtoType(): protobuf.Type {
  modelType ??= buildRoot();
  return modelType;
}

/** Decode a serialized `ModelProto`; throws {@link TokenizerFileError} naming `path` when the bytes are not one. */
export function decodeModelProto(bytes: Uint8Array, path = '<memory>'): ModelProto {
  if (bytes.length === 0)
    throw new TokenizerFileError(path, 'file is empty, expected a SentencePiece ModelProto');
  let message: protobuf.Message;
  try {
    message = modelProtoType().decode(bytes);
  } catch (error) {
    throw new TokenizerFileError(
      path,
      `not a valid SentencePiece ModelProto (truncated or corrupt): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const proto = message as unknown as ModelProto;
  if (!Array.isArray(proto.pieces) || proto.pieces.length === 0) {
    throw new TokenizerFileError(path, 'ModelProto holds no pieces (truncated or not a SentencePiece model)');
  }
  return proto;
}

/** Serialize a `ModelProto` (fields in field-number order, like the reference protobuf library). */
export function encodeModelProto(proto: ModelProto): Uint8Array {
  const type = modelProtoType();
  return type.encode(type.fromObject(proto as unknown as Record<string, unknown>)).finish();
}
