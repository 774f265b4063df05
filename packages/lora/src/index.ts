export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export type { LoraConfig, LoraConfigOptions } from './adapter-config.js';
export { createLoraConfig, parseLoraConfig, readLoraConfig, serializeLoraConfig } from './adapter-config.js';
export type { LoadLoraAdapterOptions, SaveLoraAdapterOptions } from './adapter-io.js';
export { loadLoraAdapter, saveLoraAdapter } from './adapter-io.js';
export type { LoraHookOptions } from './apply-adapter.js';
export { applyLoraAdapter, applySavedWeights, createLoraHook, mergeLoraAdapter } from './apply-adapter.js';
export { collate, dropoutSeed, shuffledOrder, type TrainingBatch } from './batching.js';
export { readTrainerState, type TrainerState } from './checkpoint.js';
export type {
  DatasetMixture,
  DatasetMixtureOptions,
  MixtureState,
  WeightedDataset,
} from './dataset-mixture.js';
export { createDatasetMixture } from './dataset-mixture.js';
export type { LoraErrorDetails, SettingChange } from './errors.js';
export {
  AdapterConfigError,
  AdapterShapeError,
  LoraError,
  OutputLockedError,
  ResumeMismatchError,
  TrainingError,
} from './errors.js';
export { type LearningRateSchedule, learningRateAt } from './learning-rate.js';
export type { CreateLoraAdapterOptions, LoraAdapter, LoraModule } from './lora-adapter.js';
export { adaptableModules, createLoraAdapter, disposeLoraAdapter } from './lora-adapter.js';
export { LOCK_FILE, type LockOwner } from './output-lock.js';
export type { PreparedVocabulary, PrepareVocabularyOptions } from './prepare-vocabulary.js';
export { prepareVocabulary } from './prepare-vocabulary.js';
export type { AlpacaRecord, PromptTemplate } from './prompt-template.js';
export {
  alpacaChineseTemplate,
  alpacaTemplate,
  extractResponse,
  formatPrompt,
  promptTemplates,
  toChatTemplate,
} from './prompt-template.js';
export { isTargetModule, llamaModuleNames, loraTensorNames } from './target-modules.js';
export type { TrainingProgress, TrainingStart, TrainOptions, TrainResult } from './trainer.js';
export { trainCausalLm } from './trainer.js';
export type {
  PackTextsOptions,
  TokenizeInstructionOptions,
  TrainingExample,
  TrainingTokenizer,
} from './training-data.js';
export {
  IGNORE_INDEX,
  packTexts,
  readInstructionData,
  readPretrainingTexts,
  tokenizeInstruction,
} from './training-data.js';
export type { SettingValue, TrainingSettings } from './training-settings.js';
