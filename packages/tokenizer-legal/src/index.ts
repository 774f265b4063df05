export type { AddedToken, ByteLevelEncodeOptions } from './byte-level-bpe-tokenizer.js';
export { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
export type { CreateCharacterTokenizerOptions } from './character-tokenizer.js';
export { createCharacterTokenizer } from './character-tokenizer.js';
export type { ApplyChatTemplateOptions, ChatMessage, RenderChatTemplateOptions } from './chat-template.js';
export { renderChatTemplate } from './chat-template.js';
export type { TokenizerJson } from './convert-tokenizer-json.js';
export { convertToTokenizerJson, mergesFromVocabulary } from './convert-tokenizer-json.js';
export type { CorpusLine } from './corpus.js';
export { listCorpusFiles, readCorpusFile } from './corpus.js';
export {
  CommandError,
  CorpusError,
  TokenizerDependencyError,
  TokenizerError,
  TokenizerFileError,
  TokenizerInputError,
  TokenizerModelError,
} from './errors.js';
export type { ExtendReport, ExtendTokenizerOptions } from './extend-tokenizer.js';
export { extendTokenizer } from './extend-tokenizer.js';
export {
  type FromGgufBpeOptions,
  fromGgufBpe,
  type GgufBpe,
  type ToGgufBpeOptions,
  toGgufBpe,
} from './gguf-bpe.js';
export {
  type FromGgufPiecesOptions,
  fromGgufPieces,
  type GgufPiece,
  type GgufPieces,
  toGgufVocabulary,
} from './gguf-pieces.js';
export { JsonTokenizer, type TokenizersBinding } from './json-tokenizer.js';
export type { LoadedTokenizer } from './load-tokenizer.js';
export { loadTokenizer } from './load-tokenizer.js';
export type { ModelProto, NormalizerSpec, SentencePieceEntry, TrainerSpec } from './model-proto.js';
export { decodeModelProto, encodeModelProto, ModelType, PieceType } from './model-proto.js';
export type { SaveTokenizerOptions } from './save-tokenizer.js';
export { saveTokenizerFiles } from './save-tokenizer.js';
export { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
export type { TokenStats } from './token-stats.js';
export { tokenStats } from './token-stats.js';
export type { DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer.js';
export type { SaveChatTemplateOptions, TokenizerConfig } from './tokenizer-config.js';
export { readTokenizerConfig, saveChatTemplate } from './tokenizer-config.js';
export type { TrainProgress, TrainVocabularyOptions, TrainVocabularyResult } from './train-vocabulary.js';
export { trainVocabulary } from './train-vocabulary.js';
