export {
  activeKernels,
  BackendError,
  type BackendName,
  kernelStats,
  selectBackend,
  useKernels,
} from '@lawgpt/engine';
export { type CheckpointLinear, checkpointLinears } from './checkpoint-layout.js';
export {
  createLlamaConfig,
  type LlamaConfig,
  type LlamaConfigInit,
  MODEL_TYPES,
  toHfConfig,
} from './config.js';
export {
  ConfigError,
  GgufError,
  InputError,
  LlamaError,
  MemoryError,
  PromptFileError,
  SafetensorsError,
  WeightError,
} from './errors.js';
export { generate } from './generation/generate.js';
export { generateBatch } from './generation/generate-batch.js';
export { generateJsonl } from './generation/generate-jsonl.js';
export type { GenerateChunk, GenerateOptions } from './generation/generate-options.js';
export type { LogitsProcessor } from './generation/logits-processor.js';
export { samplingProcessor } from './generation/next-token.js';
export { readPromptFile } from './generation/prompt-file.js';
export { argmax, logSoftmax, sampleToken } from './generation/sampler.js';
export { TextStreamer } from './generation/text-streamer.js';
export type { TextTokenizer } from './generation/text-tokenizer.js';
export { tokenLogProbs } from './generation/token-log-probs.js';
export { checkVocabularies, isPadding, VocabularyMismatchError } from './generation/vocabulary-check.js';
export { type ExportGgufDtype, exportGguf } from './gguf/export-gguf.js';
export { type GgufBpeVocabulary, readGgufModelVocabulary } from './gguf/gguf-bpe-vocabulary.js';
export { GgufFile } from './gguf/gguf-reader.js';
export { type GgufVocabulary, ggufVocabularyFromPieces, readGgufVocabulary } from './gguf/gguf-vocabulary.js';
export type { GgufWriteProgress } from './gguf/gguf-writer.js';
export { unpermuteFromGguf } from './gguf/rope-permute.js';
export { KVCache } from './kv-cache.js';
export type { LinearHook } from './layers/context.js';
export { isGgufPath, type LoadModelOptions, loadModel, readModelConfig } from './load.js';
export { causalLmLoss, IGNORE_INDEX } from './loss.js';
export { LlamaModel } from './model.js';
export { createRng } from './random.js';
export { createRandomModel } from './random-model.js';
export { resizeTokenEmbeddings } from './resize-token-embeddings.js';
export { SafetensorsCheckpoint } from './safetensors/checkpoint.js';
export type { FloatDtype } from './safetensors/dtype.js';
export { readSafetensors, SafetensorsFile } from './safetensors/reader.js';
export { type TensorSource, writeCheckpoint, writeSafetensors } from './safetensors/writer.js';
export { saveModel } from './save.js';
export { parameterSpecs } from './weights.js';
