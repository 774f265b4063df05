import { StoredWeight } from '@lawgpt/engine';
import type { LlamaConfig, ModelType } from '../config.js';
import { InputError } from '../errors.js';
import type { LlamaModel } from '../model.js';
import { type ParameterSpec, parameterSpecs } from '../weights.js';
import {
  bpeVocabularyMetadata,
  type GgufBpeVocabulary,
  placeholderBpeVocabulary,
  validateBpeVocabulary,
} from './gguf-bpe-vocabulary.js';
import { type GgmlType, type GgufValue, ggmlTypeOf } from './gguf-types.js';
import {
  type GgufVocabulary,
  placeholderVocabulary,
  validateVocabulary,
  vocabularyMetadata,
} from './gguf-vocabulary.js';
import { type GgufTensorSource, type GgufWriteProgress, writeGguf } from './gguf-writer.js';
import { permuteForGguf, permuteRowBytes } from './rope-permute.js';

/** Tensor types {@link exportGguf} writes. */
export type ExportGgufDtype = 'F32' | 'F16' | 'BF16' | 'Q8_0' | 'Q4_0';

/** Options of {@link exportGguf}. */
export interface ExportGgufOptions {
  /** The model to export (its weights are read one tensor at a time). */
  model: LlamaModel;
  /** Output `.gguf` file (written atomically). */
  path: string;
  /**
   * Tokenizer vocabulary: SentencePiece (`model: 'llama'`) or byte-level BPE (`model: 'gpt2'`, Qwen); default a
   * placeholder ({@link placeholderVocabulary}, or {@link placeholderBpeVocabulary} for Qwen) that llama.cpp
   * loads, but text is meaningless.
   */
  vocabulary?: GgufVocabulary | GgufBpeVocabulary;
  /**
   * Stored type of the 2-D weights; norms are always F32, as llama.cpp's converter does. `Q8_0` / `Q4_0` quantize
   * as ggml's reference quantizers do (a weight the model already holds in that format is written as it is);
   * a weight whose rows are not whole 32-value blocks falls back to F16. Default `F32`.
   */
  dtype?: ExportGgufDtype;
  /** `general.name`. Default `LawGPT.js LLaMA`. */
  name?: string;
  /** Called after each tensor. */
  onProgress?: (progress: GgufWriteProgress) => void;
  /** Aborts between tensors (nothing is left at `path`). */
  signal?: AbortSignal;
}

/** What {@link exportGguf} wrote. */
export interface ExportGgufResult {
  path: string;
  /** Number of tensors. */
  tensors: number;
  /** File size in bytes. */
  bytes: number;
}

/** llama.cpp names of the per-layer HF modules (`LLM_ARCH_LLAMA`, `QWEN2`, `QWEN3`, `INTERNLM2`). */
const LAYER_TENSORS: Readonly<Record<string, string>> = {
  input_layernorm: 'attn_norm',
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  'self_attn.q_norm': 'attn_q_norm',
  'self_attn.k_norm': 'attn_k_norm',
  post_attention_layernorm: 'ffn_norm',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

/**
 * GGUF tensor name of a model parameter (LLaMA names, every family), e.g. `model.layers.3.mlp.up_proj.weight` →
 * `blk.3.ffn_up.weight`, `model.layers.0.self_attn.q_proj.bias` → `blk.0.attn_q.bias`.
 */
export function ggufTensorName(hfName: string): string {
  if (hfName === 'model.embed_tokens.weight') return 'token_embd.weight';
  if (hfName === 'model.norm.weight') return 'output_norm.weight';
  if (hfName === 'lm_head.weight') return 'output.weight';
  const match = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(hfName);
  const short = match ? LAYER_TENSORS[match[2]!] : undefined;
  if (!match || !short) throw new InputError('tensor name', 'a parameter of a LLaMA-family model', hfName);
  return `blk.${match[1]}.${short}.${match[3]}`;
}

/** llama.cpp's architecture of each family (`general.architecture`). */
export const GGUF_ARCHITECTURES: Readonly<Record<ModelType, string>> = {
  llama: 'llama',
  qwen2: 'qwen2',
  qwen3: 'qwen3',
  internlm2: 'internlm2',
};

/**
 * Whether llama.cpp rotates this family's q/k with interleaved pairs (`LLAMA_ROPE_TYPE_NORM`: llama, internlm2),
 * so the converter permutes the HF q/k rows; Qwen2/Qwen3 use NEOX rotation, the HF order, and are not permuted.
 */
export function permutesQk(config: LlamaConfig): boolean {
  return config.modelType === 'llama' || config.modelType === 'internlm2';
}

/** `general.file_type` (llama_ftype): 0 all F32, 1 mostly F16, 2 mostly Q4_0, 7 mostly Q8_0, 32 mostly BF16. */
const FILE_TYPES: Readonly<Record<ExportGgufDtype, number>> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, BF16: 32 };

/**
 * The `general.*` and `<arch>.*` metadata llama.cpp's convert_hf_to_gguf.py writes for a config (llama: also
 * `vocab_size` and `rope.dimension_count`, which the converter adds for LLaMA only).
 */
export function llamaMetadata(
  config: LlamaConfig,
  name: string,
  dtype: ExportGgufDtype,
): [string, GgufValue][] {
  const arch = GGUF_ARCHITECTURES[config.modelType];
  const u32 = (value: number): GgufValue => ({ type: 'u32', value });
  const f32 = (value: number): GgufValue => ({ type: 'f32', value });
  const pairs: [string, GgufValue][] = [
    ['general.architecture', { type: 'string', value: arch }],
    ['general.name', { type: 'string', value: name }],
    [`${arch}.block_count`, u32(config.numHiddenLayers)],
    [`${arch}.context_length`, u32(config.maxPositionEmbeddings)],
    [`${arch}.embedding_length`, u32(config.hiddenSize)],
    [`${arch}.feed_forward_length`, u32(config.intermediateSize)],
    [`${arch}.attention.head_count`, u32(config.numAttentionHeads)],
    [`${arch}.attention.head_count_kv`, u32(config.numKeyValueHeads)],
    [`${arch}.rope.freq_base`, f32(config.ropeTheta)],
    [`${arch}.attention.layer_norm_rms_epsilon`, f32(config.rmsNormEps)],
    // HF configs written by this package always carry head_dim, for which the converter adds these two.
    [`${arch}.attention.key_length`, u32(config.headDim)],
    [`${arch}.attention.value_length`, u32(config.headDim)],
    ['general.file_type', u32(FILE_TYPES[dtype])],
  ];
  if (arch === 'llama') {
    pairs.push(['llama.vocab_size', u32(config.vocabSize)]);
    pairs.push(['llama.rope.dimension_count', u32(config.headDim)]);
  }
  // Like the converter: linear scaling is written; dynamic NTK has no llama.cpp equivalent and is left out
  // (it only changes positions beyond max_position_embeddings).
  if (config.ropeScaling?.type === 'linear') {
    pairs.push([`${arch}.rope.scaling.type`, { type: 'string', value: 'linear' }]);
    pairs.push([`${arch}.rope.scaling.factor`, f32(config.ropeScaling.factor)]);
  }
  return pairs;
}

/**
 * Stored type of a parameter: 1-D tensors (norms) stay F32 in every file type, and rows that are not whole
 * 32-value blocks fall back to F16, as in the converter.
 */
function tensorType(spec: ParameterSpec, dtype: ExportGgufDtype): GgmlType {
  if (spec.shape.length === 1) return 'F32';
  if ((dtype === 'Q8_0' || dtype === 'Q4_0') && spec.shape[1]! % 32 !== 0) return 'F16';
  return dtype;
}

/** Heads whose rows llama.cpp's converter permutes for a parameter, or 0. */
function permutedHeads(name: string, config: LlamaConfig): number {
  if (!permutesQk(config)) return 0;
  if (name.endsWith('.self_attn.q_proj.weight')) return config.numAttentionHeads;
  if (name.endsWith('.self_attn.k_proj.weight')) return config.numKeyValueHeads;
  return 0;
}

/**
 * The `tokenizer.*` metadata of the export: the given vocabulary (SentencePiece `llama` or byte-level `gpt2`;
 * missing BOS/EOS ids of a `gpt2` one come from the config, as the converter's SpecialVocab does), else a
 * placeholder (`gpt2` for Qwen, whose converter writes one, `llama` otherwise).
 */
function vocabularyMetadataFor(
  config: LlamaConfig,
  vocabulary: GgufVocabulary | GgufBpeVocabulary | undefined,
): [string, GgufValue][] {
  const qwen = config.modelType === 'qwen2' || config.modelType === 'qwen3';
  const vocab =
    vocabulary ??
    (qwen
      ? placeholderBpeVocabulary({ vocabSize: config.vocabSize })
      : placeholderVocabulary({ vocabSize: config.vocabSize }));
  if (vocab.model !== 'gpt2') {
    validateVocabulary(vocab, config.vocabSize);
    return vocabularyMetadata(vocab);
  }
  const withIds = {
    ...vocab,
    bosId: vocab.bosId ?? config.bosTokenId ?? undefined,
    eosId: vocab.eosId ?? config.eosTokenId ?? undefined,
  };
  validateBpeVocabulary(withIds, config.vocabSize);
  return bpeVocabularyMetadata(withIds);
}

/**
 * Export a model to a GGUF file for llama.cpp, mapped as llama.cpp's convert_hf_to_gguf.py maps the HF model:
 * architecture `llama`, `qwen2`, `qwen3` or `internlm2`, the same metadata keys and tensor names (Qwen2's q/k/v
 * biases `blk.N.attn_q.bias`, Qwen3's `blk.N.attn_q_norm.weight`), q/k rows permuted from HF's rotate_half order
 * to llama.cpp's for llama/internlm2 only (Qwen's NEOX rotation keeps HF's order), norms and biases in F32.
 * `output.weight` is omitted for tied embeddings.
 */
export async function exportGguf({
  model,
  path,
  vocabulary,
  dtype = 'F32',
  name = 'LawGPT.js LLaMA',
  onProgress,
  signal,
}: ExportGgufOptions): Promise<ExportGgufResult> {
  if (!(dtype in FILE_TYPES))
    throw new InputError('options.dtype', Object.keys(FILE_TYPES).join(' | '), dtype);
  const { config } = model;
  const vocabularyPairs = vocabularyMetadataFor(config, vocabulary);
  const tensors: GgufTensorSource[] = parameterSpecs(config).map((spec) => {
    const type = tensorType(spec, dtype);
    const heads = permutedHeads(spec.name, config);
    const weight = model.weight(spec.name);
    const base = { name: ggufTensorName(spec.name), shape: spec.shape, type };
    if (weight instanceof StoredWeight && ggmlTypeOf(weight.format) === type) {
      // Written as held (no re-quantization); q/k rows moved whole.
      return {
        ...base,
        bytes: () => (heads ? permuteRowBytes(weight.bytes(), spec.shape[0]!, heads) : weight.bytes()),
      };
    }
    return {
      ...base,
      data: async () => {
        const values = await model.readParameter(spec.name);
        return heads ? permuteForGguf(values, spec.shape[0]!, heads) : values;
      },
    };
  });
  const metadata = [...llamaMetadata(config, name, dtype), ...vocabularyPairs];
  return writeGguf({ path, metadata, tensors, onProgress, signal });
}
