import type { LlamaConfig } from './config.js';
import { parameterSpecs } from './weights.js';

/** Where the rows of one model parameter lie in a checkpoint tensor. */
export interface TensorPart {
  /** The model parameter (LLaMA name, as {@link parameterSpecs}). */
  parameter: string;
  /** Its rows, in order, as `[first checkpoint row, row count]` ranges (one range `[0, rows]` when not packed). */
  ranges: Array<[number, number]>;
}

/** A tensor as the family's checkpoint (and PEFT) names it, holding one or more model parameters by rows. */
export interface CheckpointTensor {
  /** Name in the family's `model.safetensors`, e.g. `model.layers.0.attention.wqkv.weight`. */
  name: string;
  /** Shape in the file (`[out, in]` for linear weights). */
  shape: number[];
  /** The parameters it holds; one for every family but InternLM2's packed `wqkv` (q, k and v). */
  parts: TensorPart[];
}

/** InternLM2's names of the LLaMA modules (`InternLM2ForCausalLM`). */
const INTERNLM2_NAMES: ReadonlyArray<[string, string]> = [
  ['model.embed_tokens.', 'model.tok_embeddings.'],
  ['lm_head.', 'output.'],
  ['.input_layernorm.', '.attention_norm.'],
  ['.self_attn.o_proj.', '.attention.wo.'],
  ['.post_attention_layernorm.', '.ffn_norm.'],
  ['.mlp.gate_proj.', '.feed_forward.w1.'],
  ['.mlp.up_proj.', '.feed_forward.w3.'],
  ['.mlp.down_proj.', '.feed_forward.w2.'],
];

/** The checkpoint name of a model parameter or linear module (LLaMA name) in `config`'s family. */
export function checkpointName(name: string, config: LlamaConfig): string {
  if (config.modelType !== 'internlm2') return name;
  if (/\.self_attn\.[qkv]_proj(\.|$)/.test(name))
    return name.replace(/\.self_attn\.[qkv]_proj/, '.attention.wqkv');
  for (const [llama, internlm] of INTERNLM2_NAMES) {
    const dotted = `${name}.`;
    if (dotted.includes(llama)) return dotted.replace(llama, internlm).slice(0, -1);
  }
  return name;
}

/**
 * Rows of q, k and v inside InternLM2's `wqkv` `[(H + 2·KV)·hd, D]`, laid out as
 * `[kv groups × (q heads per group + 2) × head_dim]`: each group holds its query heads, then its key head, then its
 * value head (`rearrange(qkv, "b q (h gs d) -> b q h gs d", gs=2+groups)` in modeling_internlm2.py).
 */
export function packedQkvRanges(config: LlamaConfig): Record<'q' | 'k' | 'v', Array<[number, number]>> {
  const { numAttentionHeads: heads, numKeyValueHeads: kvHeads, headDim } = config;
  const groups = heads / kvHeads;
  const ranges = {
    q: [] as Array<[number, number]>,
    k: [] as Array<[number, number]>,
    v: [] as Array<[number, number]>,
  };
  for (let group = 0; group < kvHeads; group++) {
    const first = group * (groups + 2) * headDim;
    ranges.q.push([first, groups * headDim]);
    ranges.k.push([first + groups * headDim, headDim]);
    ranges.v.push([first + (groups + 1) * headDim, headDim]);
  }
  return ranges;
}

/** Every tensor of `config`'s checkpoint in its family's names and layout, in file order. */
export function checkpointTensors(config: LlamaConfig): CheckpointTensor[] {
  const tensors: CheckpointTensor[] = [];
  const specs = parameterSpecs(config);
  for (const spec of specs) {
    const name = checkpointName(spec.name, config);
    const packed = name !== spec.name && name.endsWith('.attention.wqkv.weight');
    if (!packed) {
      tensors.push({
        name,
        shape: spec.shape,
        parts: [{ parameter: spec.name, ranges: [[0, spec.shape[0]!]] }],
      });
      continue;
    }
    if (!spec.name.endsWith('.q_proj.weight')) continue; // k and v join q's tensor
    const ranges = packedQkvRanges(config);
    const prefix = spec.name.slice(0, -'q_proj.weight'.length);
    const { numAttentionHeads: heads, numKeyValueHeads: kvHeads, headDim } = config;
    tensors.push({
      name,
      shape: [(heads + 2 * kvHeads) * headDim, spec.shape[1]!],
      parts: (['q', 'k', 'v'] as const).map((which) => ({
        parameter: `${prefix}${which}_proj.weight`,
        ranges: ranges[which],
      })),
    });
  }
  return tensors;
}

/** A linear module as the family's checkpoint and PEFT name it (`model.layers.0.attention.wqkv`). */
export interface CheckpointLinear {
  /** Module name in the checkpoint (PEFT's `target_modules` match it). */
  name: string;
  /** `[out, in]` in the checkpoint. */
  shape: [number, number];
  /** The model's linear modules (LLaMA names, without `.weight`) and their rows in this one. */
  parts: Array<{ module: string; ranges: Array<[number, number]> }>;
}

/** The linear modules of every decoder layer in the family's names (what LoRA adapters target). */
export function checkpointLinears(config: LlamaConfig): CheckpointLinear[] {
  return checkpointTensors(config)
    .filter((tensor) => tensor.shape.length === 2 && /\.layers\.\d+\./.test(tensor.name))
    .map((tensor) => ({
      name: tensor.name.replace(/\.weight$/, ''),
      shape: tensor.shape as [number, number],
      parts: tensor.parts.map(({ parameter, ranges }) => ({
        module: parameter.replace(/\.weight$/, ''),
        ranges,
      })),
    }));
}

/** Rows of `values` (`rows × cols`, row-major) in the order of `ranges`. */
export function gatherRows(
  values: Float32Array,
  cols: number,
  ranges: ReadonlyArray<[number, number]>,
): Float32Array {
  const count = ranges.reduce((sum, [, rows]) => sum + rows, 0);
  const out = new Float32Array(count * cols);
  let offset = 0;
  for (const [first, rows] of ranges) {
    out.set(values.subarray(first * cols, (first + rows) * cols), offset);
    offset += rows * cols;
  }
  return out;
}

/** Write `part` (rows in range order) into the checkpoint tensor `out` (`cols` columns). */
export function scatterRows(
  out: Float32Array,
  part: Float32Array,
  cols: number,
  ranges: ReadonlyArray<[number, number]>,
): void {
  let offset = 0;
  for (const [first, rows] of ranges) {
    out.set(part.subarray(offset, offset + rows * cols), first * cols);
    offset += rows * cols;
  }
}
