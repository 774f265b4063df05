import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toHfConfig } from './config.js';
import type { LlamaModel } from './model.js';
import type { FloatDtype } from './safetensors/dtype.js';
import { writeCheckpoint } from './safetensors/writer.js';
import { parameterSpecs } from './weights.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Largest shard in bytes; larger checkpoints are sharded with an index. Default 5 GB. */
  maxShardSize?: number;
  /** Stored dtype. Default `F32`. */
  dtype?: FloatDtype;
}

/**
 * Write `config.json` and safetensors in HF layout (linear weights back to `[out, in]`), one tensor
 * at a time, every file atomically. Returns the files written.
 */
export async function saveModel(
  model: LlamaModel,
  dir: string,
  { maxShardSize, dtype = 'F32' }: SaveModelOptions = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const sources = parameterSpecs(model.config).map((spec) => ({
    name: spec.name,
    shape: spec.shape,
    data: () => model.readParameter(spec.name),
  }));
  const files = await writeCheckpoint(dir, sources, { maxShardSize, dtype });
  const config = {
    ...toHfConfig(model.config),
    torch_dtype: dtype === 'F32' ? 'float32' : dtype === 'BF16' ? 'bfloat16' : 'float16',
  };
  const configPath = join(dir, 'config.json');
  const temporary = `${configPath}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`);
  await rename(temporary, configPath);
  return ['config.json', ...files];
}
