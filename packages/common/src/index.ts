export type { ArticleNumber, FormatArticleLabelOptions } from './article-label.js';
export { formatArticleLabel, parseArticleLabel } from './article-label.js';
export type {
  AtomicFile,
  ReplaceFileAtomicOptions,
  WriteFileAtomicOptions,
  WriteFilesAtomicOptions,
} from './atomic-write.js';
export { replaceFileAtomic, temporaryPathFor, writeFileAtomic, writeFilesAtomic } from './atomic-write.js';
export { BYTE_LEVEL_ALPHABET } from './byte-level-alphabet.js';
export { CHINESE_NUMERAL_CHARS, formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';
export type { CsvRow } from './csv-rows.js';
export { splitCsv } from './csv-rows.js';
export type { GgufBpeVocabulary } from './gguf-vocabulary-types.js';
export { GGUF_TOKEN_TYPES } from './gguf-vocabulary-types.js';
export type { JiebaCutOptions } from './jieba-cut.js';
export { jiebaCut } from './jieba-cut.js';
export type {
  AppendJsonlOptions,
  JsonlJournal,
  MalformedJsonlLine,
  ReadJsonlJournalOptions,
} from './jsonl-journal.js';
export { appendJsonl, readJsonlJournal } from './jsonl-journal.js';
export { lcsLength } from './lcs-length.js';
export type { Rng } from './mulberry32.js';
export { mulberry32 } from './mulberry32.js';
export type {
  OpenAIChat,
  OpenAIChatCompletion,
  OpenAIChatMessage,
  OpenAIChatOptions,
  OpenAIChatRequest,
  OpenAIFailure,
  OpenAIRetryInfo,
} from './openai-chat.js';
export { createOpenAIChat, OpenAIRequestError } from './openai-chat.js';
export { PY_SPACE } from './python-space.js';
export type { ReadErrorReason } from './read-error.js';
export { describeReadError } from './read-error.js';
