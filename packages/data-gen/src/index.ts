export {
  DataGenAbortError,
  DataGenError,
  DataGenLookupError,
  DataGenOptionError,
  DataGenParseError,
  TeacherHttpError,
  TeacherResponseError,
  TeacherUnreachableError,
} from './errors.js';
export { formatArticleLabel, formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';
export { fileDateOf, latestHistoryDate, parseStatuteMarkdown } from './statute-markdown.js';
export type { ParseStatuteOptions, StatuteArticle, StatuteDocument } from './statute-markdown.js';
export { KnowledgeBase, createKnowledgeBase, loadKnowledgeBase, shortLawName } from './knowledge-base.js';
export type { ArticleQuery, CreateKnowledgeBaseOptions, LawEntry, LoadKnowledgeBaseOptions } from './knowledge-base.js';
export {
  crimeCategoryOf,
  linkCharges,
  loadChargeTables,
  normalizeChargeName,
  parseArticleRefs,
  parseChargeList,
  parseChargeTable,
} from './charges.js';
export type { Charge, ChargeArticleRef, ChargeCase, LinkChargesOptions } from './charges.js';
export { extractCrimeElements, paragraphsOf } from './crime-elements.js';
export type { CrimeElements } from './crime-elements.js';
export { parseCailCases, readCailCases } from './cail-cases.js';
export type { CailCase } from './cail-cases.js';
export type { InstructionRecord, Provenance } from './instruction-record.js';
export { KNOWLEDGE_TEMPLATES, buildKnowledgeInstructions } from './knowledge-instruct.js';
export type { BuildKnowledgeInstructionsOptions, KnowledgeTemplate } from './knowledge-instruct.js';
export { buildDatasetCard, formatDatasetCard, writeInstructionDataset } from './instruction-dataset.js';
export type { DatasetCard, WriteInstructionDatasetOptions } from './instruction-dataset.js';
export { appendJsonl, parseJsonl, readJsonl, readResumableJsonl, writeFileAtomic } from './jsonl.js';
export { cleanText, normalizeText, stripMarkup } from './text-normalize.js';
export type { NormalizeTextOptions } from './text-normalize.js';
export { MinHashIndex, createMinHasher, estimateJaccard, shingleJaccard } from './minhash.js';
export type { MinHashOptions, MinHasher } from './minhash.js';
export { buildCorpus } from './corpus-builder.js';
export type { BuildCorpusOptions, CorpusProgress, CorpusSource, CorpusStats } from './corpus-builder.js';
export { lcsLength, rougeL, rougeLText, tokenizeChinese } from './rouge-l.js';
export type { ChineseTokenizer } from './rouge-l.js';
export { createChatClient } from './chat-client.js';
export type { ChatClient, ChatClientOptions, ChatCompletion, ChatMessage, ChatRequest, RetryInfo } from './chat-client.js';
export { NO_INPUT, buildSelfInstructPrompt, parseNumberedTasks, parseSeedTasks } from './self-instruct-prompt.js';
export type { ParsedTask, SeedTask, SelfInstructPromptOptions } from './self-instruct-prompt.js';
export { DEFAULT_BLACKLIST, filterTask } from './instruction-filter.js';
export type { RejectReason, TaskFilterOptions } from './instruction-filter.js';
export { runSelfInstruct } from './self-instruct.js';
export type { SelfInstructOptions, SelfInstructProgress } from './self-instruct.js';
export { DEFAULT_CLEAN_PROMPT, cleanInstructions, parseCleanAnswer } from './clean-pass.js';
export type { CleanInstructionsOptions, CleanProgress, CleanStatus } from './clean-pass.js';
