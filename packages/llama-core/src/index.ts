export {
  activeKernels,
  BackendError,
  type BackendName,
  type KernelEngine,
  type KernelState,
  kernelStats,
  type SelectedBackend,
  StoredWeight,
  selectBackend,
  useKernels,
  type WeightFormat,
} from '@lawgpt/engine';
export {
  type CheckpointLinear,
  type CheckpointTensor,
  checkpointLinears,
  checkpointName,
  checkpointTensors,
  type TensorPart,
} from './checkpoint-layout.js';
export {
  createLlamaConfig,
  type LlamaConfig,
  type LlamaConfigInit,
  MODEL_TYPES,
  type ModelType,
  parseLlamaConfig,
  type RopeScaling,
  readLlamaConfig,
  toHfConfig,
} from './config.js';
export {
  ConfigError,
  GgufError,
  InputError,
  LlamaError,
  MemoryError,
  SafetensorsError,
  WeightError,
} from './errors.js';
export { beamSearch } from './generation/beam-search.js';
export { describeRopeScaling } from './generation/context-limit.js';
export { generate } from './generation/generate.js';
export {
  type GenerateBatchOptions,
  type GenerateResult,
  generateBatch,
} from './generation/generate-batch.js';
export type { GenerateChunk, GenerateOptions } from './generation/generate-options.js';
export { composeProcessors, type LogitsProcessor } from './generation/logits-processor.js';
export { lastLogits, samplingProcessor } from './generation/next-token.js';
export { repetitionPenaltyProcessor } from './generation/repetition-penalty.js';
export { argmax, logSoftmax, sampleToken } from './generation/sampler.js';
export { checkStop, type FinishReason, type StoppingCriteria } from './generation/stopping.js';
export { temperatureProcessor } from './generation/temperature.js';
export { TextStreamer } from './generation/text-streamer.js';
export type { TextTokenizer } from './generation/text-tokenizer.js';
export { topKProcessor } from './generation/top-k.js';
export { topPProcessor } from './generation/top-p.js';
export {
  type CheckVocabulariesOptions,
  checkVocabularies,
  isPadding,
  VocabularyMismatchError,
} from './generation/vocabulary-check.js';
export {
  type ExportGgufDtype,
  type ExportGgufOptions,
  type ExportGgufResult,
  exportGguf,
  GGUF_ARCHITECTURES,
  ggufTensorName,
  llamaMetadata,
} from './gguf/export-gguf.js';
export {
  type GgufBpeVocabulary,
  placeholderBpeVocabulary,
  readGgufBpeVocabulary,
  readGgufModelVocabulary,
} from './gguf/gguf-bpe-vocabulary.js';
export type { GgufHeader, GgufTensorInfo } from './gguf/gguf-header.js';
export { GgufFile, type GgufTensorData } from './gguf/gguf-reader.js';
export {
  GGML_TYPES,
  GGUF_VALUE_TYPES,
  type GgmlType,
  type GgufArray,
  type GgufValue,
  type GgufValueType,
} from './gguf/gguf-types.js';
export {
  GGUF_TOKEN_TYPES,
  type GgufVocabulary,
  ggufVocabularyFromPieces,
  type PlaceholderVocabularyOptions,
  placeholderVocabulary,
  readGgufVocabulary,
  type VocabularyIds,
  type VocabularyPiece,
} from './gguf/gguf-vocabulary.js';
export {
  type GgufTensorSource,
  type GgufWriteProgress,
  type WriteGgufOptions,
  type WriteGgufResult,
  writeGguf,
} from './gguf/gguf-writer.js';
export { permuteForGguf, unpermuteFromGguf } from './gguf/rope-permute.js';
export { KVCache, type KVCacheOptions } from './kv-cache.js';
export type { ForwardContext, LinearHook } from './layers/context.js';
export { isGgufPath, type LoadModelOptions, type LoadReport, loadModel, readModelConfig } from './load.js';
export type { LoadDtype, WeightStorage } from './load-weights.js';
export { causalLmLoss, IGNORE_INDEX } from './loss.js';
export {
  type ForwardOptions,
  LlamaModel,
  type ModelWeight,
  type RunOptions,
  type RunResult,
} from './model.js';
export { createRng, type Rng } from './random.js';
export { createRandomModel, type RandomModelOptions } from './random-model.js';
export { resizeTokenEmbeddings } from './resize-token-embeddings.js';
export { SafetensorsCheckpoint } from './safetensors/checkpoint.js';
export { bf16ToF32, type FloatDtype, f16ToF32, f32ToBf16, f32ToF16 } from './safetensors/dtype.js';
export type { SafetensorsHeader, SafetensorsTensorInfo } from './safetensors/header.js';
export {
  type Float32TensorData,
  type ReadSafetensorsOptions,
  readSafetensors,
  SafetensorsFile,
} from './safetensors/reader.js';
export {
  type TensorSource,
  type WriteCheckpointOptions,
  type WriteSafetensorsOptions,
  writeCheckpoint,
  writeSafetensors,
} from './safetensors/writer.js';
export { type SaveModelOptions, saveModel } from './save.js';
export { type LoadProgress, type ParameterSpec, parameterSpecs } from './weights.js';
