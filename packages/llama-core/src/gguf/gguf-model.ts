import { type LlamaConfig, type ModelType, parseLlamaConfig } from '../config.js';
import { GgufError } from '../errors.js';
import type { WeightSource } from '../weight-source.js';
import { parameterSpecs } from '../weights.js';
import { GGUF_ARCHITECTURES, ggufTensorName, permutesQk } from './export-gguf.js';
import type { GgufFile } from './gguf-reader.js';
import { weightFormatOf } from './gguf-types.js';

/** `general.architecture` of the GGUF files that load, and the family (`model_type`) each is. */
const ARCHITECTURES: Readonly<Record<string, ModelType>> = Object.fromEntries(
  Object.entries(GGUF_ARCHITECTURES).map(([modelType, arch]) => [arch, modelType as ModelType]),
);

/**
 * The LLaMA config of a llama.cpp GGUF file, from its `general.architecture` and `<arch>.*` metadata (the keys
 * llama.cpp's converter writes), validated like a `config.json`. Errors name the metadata key.
 */
export function configFromGguf(file: GgufFile): LlamaConfig {
  const arch = file.value('general.architecture');
  if (typeof arch !== 'string' || !Object.hasOwn(ARCHITECTURES, arch)) {
    throw new GgufError(
      file.path,
      `architecture ${JSON.stringify(arch)} is not supported (${Object.keys(ARCHITECTURES).join(', ')})`,
      'metadata["general.architecture"]',
    );
  }
  const number = (key: string, required = true): number | undefined => {
    const value = file.value(`${arch}.${key}`);
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new GgufError(
        file.path,
        `must be a number, got ${JSON.stringify(value)}`,
        `metadata["${arch}.${key}"]`,
      );
    }
    return value;
  };
  const heads = number('attention.head_count')!;
  const hidden = number('embedding_length')!;
  const tokens = file.value('tokenizer.ggml.tokens');
  const embedding = file.info('token_embd.weight');
  const vocab =
    number('vocab_size', false) ?? (Array.isArray(tokens) ? tokens.length : undefined) ?? embedding?.shape[0];
  const scalingType = file.value(`${arch}.rope.scaling.type`);
  const scaling =
    scalingType === undefined || scalingType === 'none'
      ? null
      : { type: scalingType, factor: number('rope.scaling.factor') };
  const id = (key: string) => {
    const value = file.value(`tokenizer.ggml.${key}`);
    return typeof value === 'number' ? value : null;
  };
  const raw = {
    model_type: ARCHITECTURES[arch],
    vocab_size: vocab,
    hidden_size: hidden,
    intermediate_size: number('feed_forward_length'),
    num_hidden_layers: number('block_count'),
    num_attention_heads: heads,
    num_key_value_heads: number('attention.head_count_kv', false) ?? heads,
    head_dim:
      number('attention.key_length', false) ?? number('rope.dimension_count', false) ?? hidden / heads,
    rms_norm_eps: number('attention.layer_norm_rms_epsilon'),
    rope_theta: number('rope.freq_base', false) ?? 10000,
    rope_scaling: scaling,
    max_position_embeddings: number('context_length', false) ?? 2048,
    tie_word_embeddings: !file.info('output.weight'),
    bos_token_id: id('bos_token_id'),
    eos_token_id: id('eos_token_id'),
    pad_token_id: id('padding_token_id'),
    hidden_act: 'silu',
  };
  return parseLlamaConfig(raw, { path: `${file.path} (GGUF metadata)` });
}

/** Model parameter name (LLaMA names) of a llama.cpp tensor name (the inverse of {@link ggufTensorName}), or undefined. */
export function hfTensorName(ggufName: string, config: LlamaConfig): string | undefined {
  return ggufNames(config).get(ggufName);
}

const namesByConfig = new WeakMap<LlamaConfig, Map<string, string>>();

function ggufNames(config: LlamaConfig): Map<string, string> {
  let names = namesByConfig.get(config);
  if (!names) {
    names = new Map(parameterSpecs(config).map((spec) => [ggufTensorName(spec.name), spec.name]));
    namesByConfig.set(config, names);
  }
  return names;
}

/**
 * A GGUF file as a {@link WeightSource} under HF names. For llama/internlm2 q/k rows are read back from llama.cpp's
 * interleaved RoPE order into HF's rotate_half order (block rows are moved whole, so quantized tensors stay as they
 * are); Qwen's are in HF's order already.
 */
export function ggufSource(file: GgufFile, config: LlamaConfig): WeightSource {
  const byHf = new Map<string, string>();
  for (const tensor of file.tensors) {
    const hf = hfTensorName(tensor.name, config);
    if (!hf) {
      throw new GgufError(
        file.path,
        `is not a tensor of a ${GGUF_ARCHITECTURES[config.modelType]} model with this config`,
        'tensor_infos',
        tensor.name,
      );
    }
    byHf.set(hf, tensor.name);
  }
  const ggufName = (name: string) => byHf.get(name) ?? name;
  return {
    path: file.path,
    names: [...byHf.keys()],
    tensor(name) {
      const tensorName = byHf.get(name);
      if (!tensorName) return undefined;
      const info = file.supported(tensorName);
      return { name, shape: info.shape, format: weightFormatOf(info.type), path: file.path };
    },
    readBytes: (name, offset, dst) => file.readBytes(ggufName(name), offset, dst),
    readValues: async (name) => (await file.readTensor(ggufName(name))).data,
    rowOrder(name) {
      if (!permutesQk(config)) return undefined;
      const heads = name.endsWith('.self_attn.q_proj.weight')
        ? config.numAttentionHeads
        : name.endsWith('.self_attn.k_proj.weight')
          ? config.numKeyValueHeads
          : 0;
      if (!heads) return undefined;
      const headDim = config.headDim;
      const half = headDim / 2;
      // HF row (head, h·half + pair) holds llama.cpp row (head, 2·pair + h).
      const sourceRow = (row: number) => {
        const head = Math.floor(row / headDim);
        const within = row % headDim;
        return head * headDim + 2 * (within % half) + Math.floor(within / half);
      };
      return { sourceRow, rowBlock: headDim };
    },
    close: () => file.close(),
  };
}
