import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from './errors.js';

/** RoPE scaling as in HF `rope_scaling`: `linear` (position interpolation) or `dynamic` (NTK). */
export interface RopeScaling {
  type: 'linear' | 'dynamic';
  factor: number;
}

/**
 * Model families that load as one LLaMA code path (`config.json`'s `model_type`): `llama`; `qwen2` (q/k/v
 * projection biases); `qwen3` (RMSNorm of each query and key head before RoPE, explicit `head_dim`); `internlm2`
 * (LLaMA under other tensor names, q/k/v packed in one `wqkv`).
 */
export const MODEL_TYPES = ['llama', 'qwen2', 'qwen3', 'internlm2'] as const;

/** One of {@link MODEL_TYPES}. */
export type ModelType = (typeof MODEL_TYPES)[number];

/** `architectures` of each family's `config.json` (what transformers instantiates). */
const ARCHITECTURES: Readonly<Record<ModelType, string>> = {
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  qwen3: 'Qwen3ForCausalLM',
  internlm2: 'InternLM2ForCausalLM',
};

/** A LLaMA-family architecture, read from (and written back to) a Hugging Face `config.json`. */
export interface LlamaConfig {
  /** The family (`model_type`); decides the tensor names and the two features below. */
  modelType: ModelType;
  /** q/k/v projections add a bias after the product (Qwen2: `self_attn.{q,k,v}_proj.bias`). */
  qkvBias: boolean;
  /** RMSNorm over `head_dim` of every query and key head, before RoPE (Qwen3: `self_attn.{q,k}_norm.weight`). */
  qkNorm: boolean;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** Key/value heads (GQA); equals `numAttentionHeads` for multi-head attention. */
  numKeyValueHeads: number;
  /** Per-head dimension; HF derives it as hidden / heads when `head_dim` is absent. */
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  bosTokenId: number | null;
  /** First EOS id (HF allows a list; all of them are in `eosTokenIds`). */
  eosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
  /** Every field of the original `config.json`, kept so that saving preserves unknown keys. */
  raw: Record<string, unknown>;
}

/** Options of {@link parseLlamaConfig}. */
export interface ParseConfigOptions {
  /** File the JSON came from, named in errors. */
  path?: string;
}

/** Validate a parsed HF `config.json` object and turn it into a {@link LlamaConfig}. */
export function parseLlamaConfig(json: unknown, { path }: ParseConfigOptions = {}): LlamaConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(path, '(root)', 'a JSON object', json);
  }
  const raw = json as Record<string, unknown>;
  const modelType = parseModelType(raw, path);
  const integer = (field: string, fallback?: number): number => {
    const value = raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new ConfigError(path, field, 'a positive integer', raw[field]);
    }
    return value;
  };
  const positive = (field: string, fallback: number): number => {
    const value = raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ConfigError(path, field, 'a positive number', raw[field]);
    }
    return value;
  };
  const hiddenSize = integer('hidden_size');
  const numAttentionHeads = integer('num_attention_heads');
  const numKeyValueHeads = integer('num_key_value_heads', numAttentionHeads);
  if (numAttentionHeads % numKeyValueHeads !== 0) {
    throw new ConfigError(
      path,
      'num_key_value_heads',
      `a divisor of num_attention_heads (${numAttentionHeads})`,
      numKeyValueHeads,
    );
  }
  if (raw.head_dim === undefined && hiddenSize % numAttentionHeads !== 0) {
    throw new ConfigError(
      path,
      'hidden_size',
      `a multiple of num_attention_heads (${numAttentionHeads})`,
      hiddenSize,
    );
  }
  const headDim = integer('head_dim', hiddenSize / numAttentionHeads);
  if (headDim % 2 !== 0)
    throw new ConfigError(path, 'head_dim', 'an even number (RoPE rotates pairs)', headDim);
  const eosTokenIds = optionalIds(raw.eos_token_id, 'eos_token_id', path);
  return {
    modelType,
    qkvBias: modelType === 'qwen2',
    qkNorm: modelType === 'qwen3',
    vocabSize: integer('vocab_size'),
    hiddenSize,
    intermediateSize: integer('intermediate_size'),
    numHiddenLayers: integer('num_hidden_layers'),
    numAttentionHeads,
    numKeyValueHeads,
    headDim,
    rmsNormEps: positive('rms_norm_eps', 1e-6),
    ropeTheta: positive('rope_theta', 10000),
    ropeScaling: parseRopeScaling(raw.rope_scaling, path),
    maxPositionEmbeddings: integer('max_position_embeddings', 2048),
    tieWordEmbeddings: parseBoolean(raw.tie_word_embeddings, 'tie_word_embeddings', path),
    bosTokenId: optionalIds(raw.bos_token_id, 'bos_token_id', path)[0] ?? null,
    eosTokenId: eosTokenIds[0] ?? null,
    eosTokenIds,
    padTokenId: optionalIds(raw.pad_token_id, 'pad_token_id', path)[0] ?? null,
    raw: { ...raw },
  };
}

/** `model_type` (default `llama`), with the family's unsupported options refused naming their field. */
function parseModelType(raw: Record<string, unknown>, path: string | undefined): ModelType {
  const modelType = raw.model_type ?? 'llama';
  if (!MODEL_TYPES.includes(modelType as ModelType)) {
    throw new ConfigError(
      path,
      'model_type',
      `one of ${MODEL_TYPES.map((type) => `"${type}"`).join(', ')}`,
      modelType,
    );
  }
  const act = raw.hidden_act;
  if (act !== undefined && act !== 'silu') throw new ConfigError(path, 'hidden_act', '"silu"', act);
  const refuse = (field: string, expected: string) => {
    if (raw[field] === true) throw new ConfigError(path, field, expected, true);
  };
  refuse('mlp_bias', 'false (MLP biases are not supported)');
  if (modelType === 'internlm2') refuse('bias', 'false (InternLM2 wqkv/wo biases are not supported)');
  else if (modelType === 'qwen2')
    refuse('use_sliding_window', 'false (sliding-window attention is not supported)');
  else refuse('attention_bias', `false (biases are supported for qwen2's q/k/v projections only)`);
  return modelType as ModelType;
}

function parseRopeScaling(value: unknown, path: string | undefined): RopeScaling | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(path, 'rope_scaling', 'null or an object {type, factor}', value);
  }
  const record = value as Record<string, unknown>;
  const type = record.type ?? record.rope_type;
  if (type === 'default') return null;
  if (type !== 'linear' && type !== 'dynamic') {
    throw new ConfigError(path, 'rope_scaling.type', '"linear" or "dynamic"', type);
  }
  const factor = record.factor;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw new ConfigError(path, 'rope_scaling.factor', 'a number >= 1', factor);
  }
  return { type, factor };
}

function parseBoolean(value: unknown, field: string, path: string | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new ConfigError(path, field, 'a boolean', value);
  return value;
}

function optionalIds(value: unknown, field: string, path: string | undefined): number[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const id of list) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new ConfigError(path, field, 'a non-negative integer id (or a list of them)', value);
    }
  }
  return list as number[];
}

/** Read and validate `<dir>/config.json`. */
export async function readLlamaConfig(dir: string): Promise<LlamaConfig> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, '(file)', 'a readable config.json', (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, '(json)', 'valid JSON', (error as Error).message);
  }
  return parseLlamaConfig(json, { path });
}

/** The HF `config.json` object for a config (unknown keys of the original are preserved). */
export function toHfConfig(config: LlamaConfig): Record<string, unknown> {
  const family = config.raw.model_type === config.modelType;
  return {
    architectures: [ARCHITECTURES[config.modelType]],
    ...config.raw,
    ...(family ? {} : { architectures: [ARCHITECTURES[config.modelType]] }),
    model_type: config.modelType,
    ...(config.modelType === 'internlm2' && { bias: false }),
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    num_key_value_heads: config.numKeyValueHeads,
    head_dim: config.headDim,
    hidden_act: 'silu',
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    rope_scaling: config.ropeScaling,
    max_position_embeddings: config.maxPositionEmbeddings,
    tie_word_embeddings: config.tieWordEmbeddings,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenIds.length > 1 ? config.eosTokenIds : config.eosTokenId,
    pad_token_id: config.padTokenId,
    torch_dtype: 'float32',
  };
}

/** Fields accepted by {@link createLlamaConfig}: the sizes, everything else defaulted like HF. */
export type LlamaConfigInit = Partial<Omit<LlamaConfig, 'raw' | 'qkvBias' | 'qkNorm'>> &
  Pick<
    LlamaConfig,
    'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numHiddenLayers' | 'numAttentionHeads'
  >;

/** Build a validated config from camelCase fields (for random models, tests, benchmarks). */
export function createLlamaConfig(init: LlamaConfigInit): LlamaConfig {
  const parsed = parseLlamaConfig({
    model_type: init.modelType ?? 'llama',
    vocab_size: init.vocabSize,
    hidden_size: init.hiddenSize,
    intermediate_size: init.intermediateSize,
    num_hidden_layers: init.numHiddenLayers,
    num_attention_heads: init.numAttentionHeads,
    num_key_value_heads: init.numKeyValueHeads,
    head_dim: init.headDim,
    rms_norm_eps: init.rmsNormEps,
    rope_theta: init.ropeTheta,
    rope_scaling: init.ropeScaling ?? null,
    max_position_embeddings: init.maxPositionEmbeddings,
    tie_word_embeddings: init.tieWordEmbeddings ?? false,
    bos_token_id: init.bosTokenId ?? 1,
    eos_token_id: init.eosTokenIds ?? init.eosTokenId ?? 2,
    pad_token_id: init.padTokenId ?? null,
  });
  return { ...parsed, raw: toHfConfig(parsed) };
}
