export { convertToTokenizerJson, mergesFromVocabulary } from './convert-tokenizer-json.js';
export type { TokenizerJson } from './convert-tokenizer-json.js';
export {
  CommandError,
  CorpusError,
  TokenizerError,
  TokenizerFileError,
  TokenizerInputError,
  TokenizerModelError,
} from './errors.js';
export { extendTokenizer } from './extend-tokenizer.js';
export type { ExtendReport, ExtendTokenizerOptions } from './extend-tokenizer.js';
export { JsonTokenizer } from './json-tokenizer.js';
export { loadTokenizer } from './load-tokenizer.js';
export { decodeModelProto, encodeModelProto, ModelType, PieceType } from './model-proto.js';
export type { ModelProto, NormalizerSpec, SentencePieceEntry, TrainerSpec } from './model-proto.js';
export { saveTokenizerFiles } from './save-tokenizer.js';
export type { SaveTokenizerOptions } from './save-tokenizer.js';
export { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
export { tokenStats } from './token-stats.js';
export type { TokenStats } from './token-stats.js';
export { trainVocabulary } from './train-vocabulary.js';
export type { TrainProgress, TrainVocabularyOptions, TrainVocabularyResult } from './train-vocabulary.js';
export type { DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer.js';
