import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lawgpt/common';
import { checkpointTensors, scatterRows } from './checkpoint-layout.js';
import { toHfConfig } from './config.js';
import type { LlamaModel } from './model.js';
import type { FloatDtype } from './safetensors/dtype.js';
import { writeCheckpoint } from './safetensors/writer.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Largest shard in bytes; larger checkpoints are sharded with an index. Default 5 GB. */
  maxShardSize?: number;
  /** Stored dtype. Default `F32`. */
  dtype?: FloatDtype;
}

/**
 * Write `config.json` and safetensors in HF layout (linear weights back to `[out, in]`) under the family's own
 * tensor names (InternLM2's q/k/v packed back into `wqkv`), one tensor at a time, every file atomically. Returns
 * the files written.
 */
export async function saveModel(
  model: LlamaModel,
  dir: string,
  { maxShardSize, dtype = 'F32' }: SaveModelOptions = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const sources = checkpointTensors(model.config).map(({ name, shape, parts }) => ({
    name,
    shape,
    data: async () => {
      if (parts.length === 1) return model.readParameter(parts[0]!.parameter);
      const values = new Float32Array(shape[0]! * shape[1]!); // a packed tensor (InternLM2's wqkv)
      for (const part of parts)
        scatterRows(values, await model.readParameter(part.parameter), shape[1]!, part.ranges);
      return values;
    },
  }));
  const files = await writeCheckpoint(dir, sources, { maxShardSize, dtype });
  const config = {
    ...toHfConfig(model.config),
    torch_dtype: dtype === 'F32' ? 'float32' : dtype === 'BF16' ? 'bfloat16' : 'float16',
  };
  await writeFileAtomic({ path: join(dir, 'config.json'), data: `${JSON.stringify(config, null, 2)}\n` });
  return ['config.json', ...files];
}
