import { StoredWeight } from '@lawgpt/engine';
import type { LlamaConfig } from '../config.js';
import { InputError } from '../errors.js';
import type { LlamaModel } from '../model.js';
import { type ParameterSpec, parameterSpecs } from '../weights.js';
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
  /** Tokenizer pieces; default {@link placeholderVocabulary} (valid for llama.cpp, but text is meaningless). */
  vocabulary?: GgufVocabulary;
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

/** llama.cpp names (`LLM_ARCH_LLAMA`) of the per-layer HF modules. */
const LAYER_TENSORS: Readonly<Record<string, string>> = {
  input_layernorm: 'attn_norm',
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  post_attention_layernorm: 'ffn_norm',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

/** GGUF tensor name of an HF LLaMA parameter, e.g. `model.layers.3.mlp.up_proj.weight` → `blk.3.ffn_up.weight`. */
export function ggufTensorName(hfName: string): string {
  if (hfName === 'model.embed_tokens.weight') return 'token_embd.weight';
  if (hfName === 'model.norm.weight') return 'output_norm.weight';
  if (hfName === 'lm_head.weight') return 'output.weight';
  const match = /^model\.layers\.(\d+)\.(.+)\.weight$/.exec(hfName);
  const short = match ? LAYER_TENSORS[match[2]] : undefined;
  if (!match || !short) throw new InputError('tensor name', 'a LlamaForCausalLM parameter', hfName);
  return `blk.${match[1]}.${short}.weight`;
}

/** `general.file_type` (llama_ftype): 0 all F32, 1 mostly F16, 2 mostly Q4_0, 7 mostly Q8_0, 32 mostly BF16. */
const FILE_TYPES: Readonly<Record<ExportGgufDtype, number>> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, BF16: 32 };

/** The `general.*` and `llama.*` metadata llama.cpp's convert_hf_to_gguf.py writes for a LLaMA config. */
export function llamaMetadata(
  config: LlamaConfig,
  name: string,
  dtype: ExportGgufDtype,
): [string, GgufValue][] {
  const u32 = (value: number): GgufValue => ({ type: 'u32', value });
  const f32 = (value: number): GgufValue => ({ type: 'f32', value });
  const pairs: [string, GgufValue][] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: name }],
    ['llama.block_count', u32(config.numHiddenLayers)],
    ['llama.context_length', u32(config.maxPositionEmbeddings)],
    ['llama.embedding_length', u32(config.hiddenSize)],
    ['llama.feed_forward_length', u32(config.intermediateSize)],
    ['llama.attention.head_count', u32(config.numAttentionHeads)],
    ['llama.attention.head_count_kv', u32(config.numKeyValueHeads)],
    ['llama.rope.freq_base', f32(config.ropeTheta)],
    ['llama.attention.layer_norm_rms_epsilon', f32(config.rmsNormEps)],
    // HF configs written by this package always carry head_dim, for which the converter adds these two.
    ['llama.attention.key_length', u32(config.headDim)],
    ['llama.attention.value_length', u32(config.headDim)],
    ['general.file_type', u32(FILE_TYPES[dtype])],
    ['llama.vocab_size', u32(config.vocabSize)],
    ['llama.rope.dimension_count', u32(config.headDim)],
  ];
  // Like the converter: linear scaling is written; dynamic NTK has no llama.cpp equivalent and is left out
  // (it only changes positions beyond max_position_embeddings).
  if (config.ropeScaling?.type === 'linear') {
    pairs.push(['llama.rope.scaling.type', { type: 'string', value: 'linear' }]);
    pairs.push(['llama.rope.scaling.factor', f32(config.ropeScaling.factor)]);
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
  if (name.endsWith('.self_attn.q_proj.weight')) return config.numAttentionHeads;
  if (name.endsWith('.self_attn.k_proj.weight')) return config.numKeyValueHeads;
  return 0;
}

/**
 * Export a model to a GGUF file that llama.cpp loads as architecture `llama`, mapped as llama.cpp's
 * convert_hf_to_gguf.py maps a HF `LlamaForCausalLM`: the same metadata keys, tensor names, q/k rows permuted
 * from HF's rotate_half order to llama.cpp's, norms in F32. `output.weight` is omitted for tied embeddings.
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
  const vocab = vocabulary ?? placeholderVocabulary({ vocabSize: config.vocabSize });
  validateVocabulary(vocab, config.vocabSize);
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
  const metadata = [...llamaMetadata(config, name, dtype), ...vocabularyMetadata(vocab)];
  return writeGguf({ path, metadata, tensors, onProgress, signal });
}
