export type {
  ArticleRetriever,
  ArticleSearchOptions,
  CreateArticleRetrieverOptions,
  RetrievedArticle,
} from './article-retriever.js';
export { bigramTerms, createArticleRetriever } from './article-retriever.js';
export type {
  BenchmarkItem,
  LoadDiscLawEvalItemsOptions,
  LoadLawBenchItemsOptions,
  ReadJsonlBenchmarkItemsOptions,
} from './benchmark-items.js';
export {
  examBenchmarkItems,
  loadDiscLawEvalItems,
  loadLawBenchItems,
  readJsonlBenchmarkItems,
} from './benchmark-items.js';
export type { CailCase } from './cail-cases.js';
export { parseCailCases, readCailCases } from './cail-cases.js';
export type { Charge, ChargeArticleRef, ChargeCase, LinkChargesOptions } from './charges.js';
export {
  crimeCategoryOf,
  linkCharges,
  loadChargeTables,
  normalizeChargeName,
  parseArticleRefs,
  parseChargeList,
  parseChargeTable,
} from './charges.js';
export type {
  ChatClient,
  ChatClientOptions,
  ChatCompletion,
  ChatMessage,
  ChatRequest,
  RetryInfo,
} from './chat-client.js';
export { createChatClient } from './chat-client.js';
export { formatArticleLabel, formatChineseNumeral, parseChineseNumeral } from './chinese-numeral.js';
export type { CleanInstructionsOptions, CleanProgress, CleanStatus } from './clean-pass.js';
export { cleanInstructions, DEFAULT_CLEAN_PROMPT, parseCleanAnswer } from './clean-pass.js';
export type { ContaminationIndex, CreateContaminationIndexOptions } from './contamination-index.js';
export { contaminationText, createContaminationIndex } from './contamination-index.js';
export type { BuildCorpusOptions, CorpusProgress, CorpusSource, CorpusStats } from './corpus-builder.js';
export { buildCorpus } from './corpus-builder.js';
export type { CrimeElements } from './crime-elements.js';
export { extractCrimeElements, paragraphsOf } from './crime-elements.js';
export type {
  ContaminationDetector,
  ContaminationMatch,
  DecontaminateOptions,
  DecontaminationReport,
  FlaggedRecord,
  TaskOverlap,
} from './decontaminate.js';
export { decontaminate } from './decontaminate.js';
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
export {
  articleCitation,
  citedArticles,
  contradictsAnswer,
  examTeacherMessages,
  formatExamInstruction,
  statedAnswer,
  statuteExplanation,
  teacherOutput,
} from './exam-explanation.js';
export type { BuildExamInstructionsOptions, ExamDropReason, ExamProgress } from './exam-instructions.js';
export { buildExamInstructions } from './exam-instructions.js';
export type { ExamQuestion, ExamQuestionFormat, ReadExamQuestionsOptions } from './exam-questions.js';
export { parseDiscQuestions, parseJecQaQuestions, readExamQuestions } from './exam-questions.js';
export type { DatasetCard, WriteInstructionDatasetOptions } from './instruction-dataset.js';
export { buildDatasetCard, formatDatasetCard, writeInstructionDataset } from './instruction-dataset.js';
export type { RejectReason, TaskFilterOptions } from './instruction-filter.js';
export { DEFAULT_BLACKLIST, filterTask } from './instruction-filter.js';
export type { InstructionRecord, Provenance } from './instruction-record.js';
export { appendJsonl, parseJsonl, readJsonl, readResumableJsonl, writeFileAtomic } from './jsonl.js';
export type {
  ArticleQuery,
  CreateKnowledgeBaseOptions,
  LawEntry,
  LoadKnowledgeBaseOptions,
} from './knowledge-base.js';
export { createKnowledgeBase, KnowledgeBase, loadKnowledgeBase, shortLawName } from './knowledge-base.js';
export type { BuildKnowledgeInstructionsOptions, KnowledgeTemplate } from './knowledge-instruct.js';
export { buildKnowledgeInstructions, KNOWLEDGE_TEMPLATES } from './knowledge-instruct.js';
export type { MinHasher, MinHashOptions } from './minhash.js';
export { createMinHasher, estimateJaccard, MinHashIndex, shingleJaccard } from './minhash.js';
export { readTextFile } from './read-text-file.js';
export type { ChineseTokenizer } from './rouge-l.js';
export { lcsLength, rougeL, rougeLText, tokenizeChinese } from './rouge-l.js';
export type { SelfInstructOptions, SelfInstructProgress } from './self-instruct.js';
export { runSelfInstruct } from './self-instruct.js';
export type { ParsedTask, SeedTask, SelfInstructPromptOptions } from './self-instruct-prompt.js';
export {
  buildSelfInstructPrompt,
  NO_INPUT,
  parseNumberedTasks,
  parseSeedTasks,
} from './self-instruct-prompt.js';
export type {
  ParseStatuteOptions,
  StatuteArticle,
  StatuteDocument,
  StatuteWarning,
} from './statute-markdown.js';
export { fileDateOf, latestHistoryDate, parseStatuteMarkdown } from './statute-markdown.js';
export type { NormalizeTextOptions } from './text-normalize.js';
export { cleanText, normalizeText, stripMarkup } from './text-normalize.js';
export type { TrainingData, TrainingDataFile } from './training-data.js';
export {
  mergeTrainingFiles,
  parseTrainingData,
  readTrainingData,
  TRAINING_DATA_FILE,
} from './training-data.js';
export type {
  CheckTrainingOverlapOptions,
  TrainingFileCheck,
  TrainingOverlapReport,
  TrainingTaskOverlap,
} from './training-overlap.js';
export { checkTrainingOverlap, readTrainingRecords } from './training-overlap.js';
