/**
 * Test support: s2 (a LLaMA fixture) rewritten as an InternLM2 checkpoint, written out independently of the
 * loader's own mapping (checkpoint-layout.ts), so the tests check that mapping against the published layout.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@lawgpt/test-helpers';
import { readSafetensors } from './safetensors/reader.js';
import { type TensorSource, writeSafetensors } from './safetensors/writer.js';

/** InternLM2's name of an s2 (LLaMA) tensor, written out independently of the loader's mapping. */
function internName(name: string): string {
  return name
    .replace('model.embed_tokens.', 'model.tok_embeddings.')
    .replace(/^lm_head\./, 'output.')
    .replace('.input_layernorm.', '.attention_norm.')
    .replace('.self_attn.o_proj.', '.attention.wo.')
    .replace('.post_attention_layernorm.', '.ffn_norm.')
    .replace('.mlp.gate_proj.', '.feed_forward.w1.')
    .replace('.mlp.up_proj.', '.feed_forward.w3.')
    .replace('.mlp.down_proj.', '.feed_forward.w2.');
}

/** Write s2 as an InternLM2 checkpoint into `packedDir`: wqkv rows = for each kv group, its 3 query heads, its key head, its value head. */
export async function packS2(
  packedDir: string,
): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const source = sharedPath('fixtures/models/s2/model');
  const config = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8'));
  const { tensors } = await readSafetensors(join(source, 'model.safetensors'));
  const {
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    head_dim: headDim,
    hidden_size: hidden,
  } = config;
  const groups = heads / kvHeads;
  const packed = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, tensor] of tensors) {
    const layer = /^model\.layers\.(\d+)\.self_attn\.q_proj\.weight$/.exec(name);
    if (layer) {
      const prefix = `model.layers.${layer[1]}.self_attn`;
      const q = tensor.data;
      const k = tensors.get(`${prefix}.k_proj.weight`)!.data;
      const v = tensors.get(`${prefix}.v_proj.weight`)!.data;
      const rows = (heads + 2 * kvHeads) * headDim;
      const wqkv = new Float32Array(rows * hidden);
      const headRows = headDim * hidden;
      let offset = 0;
      for (let group = 0; group < kvHeads; group++) {
        for (let g = 0; g < groups; g++) {
          const head = group * groups + g;
          wqkv.set(q.subarray(head * headRows, (head + 1) * headRows), offset);
          offset += headRows;
        }
        wqkv.set(k.subarray(group * headRows, (group + 1) * headRows), offset);
        offset += headRows;
        wqkv.set(v.subarray(group * headRows, (group + 1) * headRows), offset);
        offset += headRows;
      }
      const packedName = `model.layers.${layer[1]}.attention.wqkv.weight`;
      packed.set(packedName, { shape: [rows, hidden], data: wqkv });
    } else if (!/\.self_attn\.[kv]_proj\./.test(name)) {
      packed.set(internName(name), { shape: tensor.shape, data: tensor.data });
    }
  }
  mkdirSync(packedDir, { recursive: true });
  const sources: TensorSource[] = [...packed].map(([name, tensor]) => ({ name, ...tensor }));
  await writeSafetensors(join(packedDir, 'model.safetensors'), sources);
  const { architectures: _a, attention_bias: _b, mlp_bias: _m, ...rest } = config;
  writeFileSync(
    join(packedDir, 'config.json'),
    JSON.stringify({
      ...rest,
      architectures: ['InternLM2ForCausalLM'],
      model_type: 'internlm2',
      bias: false,
    }),
  );
  return packed;
}
