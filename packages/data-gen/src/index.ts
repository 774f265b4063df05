export type { ArticleRetriever, ArticleSearchOptions, RetrievedArticle } from './article-retriever.js';
export { type CreateArticleRetrieverOptions, createArticleRetriever } from './article-retriever.js';
export type { BenchmarkItem } from './benchmark-items.js';
export {
  examBenchmarkItems,
  loadDiscLawEvalItems,
  loadLawBenchItems,
  readJsonlBenchmarkItems,
} from './benchmark-items.js';
export { type CailCase, parseCailCases, readCailCases } from './cail-cases.js';
export type { Charge, ChargeArticleRef, ChargeCase } from './charges.js';
export { linkCharges, loadChargeTables, parseChargeList } from './charges.js';
export type { ChatClient, ChatCompletion, ChatMessage, ChatRequest, RetryInfo } from './chat-client.js';
export { type ChatClientOptions, createChatClient } from './chat-client.js';
export { formatArticleLabel, formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';
export type { CleanInstructionsOptions, CleanProgress, CleanStatus } from './clean-pass.js';
export { cleanInstructions, DEFAULT_CLEAN_PROMPT, parseCleanAnswer } from './clean-pass.js';
export type { ContaminationIndex, CreateContaminationIndexOptions } from './contamination-index.js';
export { contaminationText, createContaminationIndex } from './contamination-index.js';
export type { BuildCorpusOptions, CorpusProgress, CorpusSource, CorpusStats } from './corpus-builder.js';
export { buildCorpus } from './corpus-builder.js';
export { type CrimeElements, extractCrimeElements } from './crime-elements.js';
export type { DecontaminationReport, FlaggedRecord, TaskOverlap } from './decontaminate.js';
export { type ContaminationMatch, type DecontaminateOptions, decontaminate } from './decontaminate.js';
export {
  DataGenAbortError,
  DataGenError,
  DataGenFileError,
  DataGenLookupError,
  DataGenOptionError,
  DataGenParseError,
  TeacherHttpError,
  TeacherResponseError,
  TeacherUnreachableError,
} from './errors.js';
export type { BuildExamInstructionsOptions, ExamProgress } from './exam-instructions.js';
export { buildExamInstructions } from './exam-instructions.js';
export type { ExamQuestion, ExamQuestionFormat, ReadExamQuestionsOptions } from './exam-questions.js';
export { parseDiscQuestions, parseJecQaQuestions, readExamQuestions } from './exam-questions.js';
export type { DatasetCard, WriteInstructionDatasetOptions } from './instruction-dataset.js';
export { buildDatasetCard, formatDatasetCard, writeInstructionDataset } from './instruction-dataset.js';
export { DEFAULT_BLACKLIST, filterTask, type TaskFilterOptions } from './instruction-filter.js';
export type { InstructionRecord, Provenance } from './instruction-record.js';
export { appendJsonl, parseJsonl, readJsonl, readResumableJsonl, writeFileAtomic } from './jsonl.js';
export type { CreateKnowledgeBaseOptions, LawEntry, LoadKnowledgeBaseOptions } from './knowledge-base.js';
export { createKnowledgeBase, KnowledgeBase, loadKnowledgeBase } from './knowledge-base.js';
export type { BuildKnowledgeInstructionsOptions, KnowledgeTemplate } from './knowledge-instruct.js';
export { buildKnowledgeInstructions, KNOWLEDGE_TEMPLATES } from './knowledge-instruct.js';
export { createMinHasher, estimateJaccard, type MinHasher, MinHashIndex, shingleJaccard } from './minhash.js';
export { readTextFile } from './read-text-file.js';
export { type ChineseTokenizer, rougeL, rougeLText, tokenizeChinese } from './rouge-l.js';
export { runSelfInstruct, type SelfInstructOptions, type SelfInstructProgress } from './self-instruct.js';
export type { SeedTask } from './self-instruct-prompt.js';
export { buildSelfInstructPrompt, parseNumberedTasks, parseSeedTasks } from './self-instruct-prompt.js';
export type { StatuteArticle, StatuteDocument, StatuteWarning } from './statute-markdown.js';
export { parseStatuteMarkdown } from './statute-markdown.js';
export { cleanText, normalizeText, stripMarkup } from './text-normalize.js';
export type { TrainingData, TrainingDataFile } from './training-data.js';
export { mergeTrainingFiles, readTrainingData, TRAINING_DATA_FILE } from './training-data.js';
export type { CheckTrainingOverlapOptions, TrainingOverlapReport } from './training-overlap.js';
export { checkTrainingOverlap, readTrainingRecords } from './training-overlap.js';
