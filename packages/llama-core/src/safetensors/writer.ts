import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFileAtomic, writeFileAtomic } from '@lawgpt/common';
import { InputError } from '../errors.js';
import { INDEX_FILE, SINGLE_FILE } from './checkpoint.js';
import { DTYPE_BYTES, type FloatDtype, f32ToBf16, f32ToF16 } from './dtype.js';

/** A tensor to write: its float32 values are fetched only when it is written. */
export interface TensorSource {
  name: string;
  shape: number[];
  /** The values (row-major, float32), or a function producing them when needed. */
  data: Float32Array | (() => Float32Array | Promise<Float32Array>);
}

/** Options of {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** Stored dtype (values are rounded to nearest even for F16/BF16). Default `F32`. */
  dtype?: FloatDtype;
  /** `__metadata__` strings; default `{format: 'pt'}`. */
  metadata?: Record<string, string>;
}

/** Write one safetensors file atomically (temp file + rename), tensors in the given order. */
export async function writeSafetensors(
  path: string,
  tensors: TensorSource[],
  { dtype = 'F32', metadata = { format: 'pt' } }: WriteSafetensorsOptions = {},
): Promise<void> {
  const header = buildHeader(tensors, dtype, metadata);
  await replaceFileAtomic({
    path,
    write: async (temporary) => {
      const handle = await open(temporary, 'w');
      try {
        const prefix = new Uint8Array(8);
        new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
        await handle.write(prefix);
        await handle.write(header);
        for (const tensor of tensors) {
          const values = typeof tensor.data === 'function' ? await tensor.data() : tensor.data;
          const expected = elementCount(tensor.shape);
          if (values.length !== expected) {
            throw new InputError(
              `tensors["${tensor.name}"].data`,
              `${expected} values for shape [${tensor.shape}]`,
              `${values.length} values`,
            );
          }
          await handle.write(encode(values, dtype));
        }
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw error;
      }
      await handle.close();
    },
  });
}

function buildHeader(
  tensors: TensorSource[],
  dtype: FloatDtype,
  metadata: Record<string, string>,
): Uint8Array {
  const entries: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.name === '__metadata__' || tensor.name in entries) {
      throw new InputError('tensors[].name', 'unique tensor names other than "__metadata__"', tensor.name);
    }
    const size = elementCount(tensor.shape) * DTYPE_BYTES[dtype];
    entries[tensor.name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(entries));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

function encode(values: Float32Array, dtype: FloatDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const halves = dtype === 'BF16' ? f32ToBf16(values) : f32ToF16(values);
  return new Uint8Array(halves.buffer);
}

function elementCount(shape: number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions extends WriteSafetensorsOptions {
  /** Largest shard in bytes of tensor data; more data is split at tensor boundaries. Default 5 GB (HF's default). */
  maxShardSize?: number;
}

/**
 * Write tensors as a HF checkpoint into `dir`: `model.safetensors`, or
 * `model-0000i-of-0000n.safetensors` shards plus `model.safetensors.index.json` when they exceed
 * `maxShardSize`. Each file is written atomically; returns the file names.
 */
export async function writeCheckpoint(
  dir: string,
  tensors: TensorSource[],
  { maxShardSize = 5_000_000_000, dtype = 'F32', metadata = { format: 'pt' } }: WriteCheckpointOptions = {},
): Promise<string[]> {
  const bytesOf = (tensor: TensorSource) => elementCount(tensor.shape) * DTYPE_BYTES[dtype];
  const shards: TensorSource[][] = [[]];
  let shardBytes = 0;
  for (const tensor of tensors) {
    const size = bytesOf(tensor);
    if (shardBytes > 0 && shardBytes + size > maxShardSize) {
      shards.push([]);
      shardBytes = 0;
    }
    shards[shards.length - 1].push(tensor);
    shardBytes += size;
  }
  await mkdir(dir, { recursive: true });
  if (shards.length === 1) {
    await writeSafetensors(join(dir, SINGLE_FILE), shards[0], { dtype, metadata });
    await rm(join(dir, INDEX_FILE), { force: true });
    return [SINGLE_FILE];
  }
  const pad = (value: number) => String(value).padStart(5, '0');
  const names = shards.map((_, index) => `model-${pad(index + 1)}-of-${pad(shards.length)}.safetensors`);
  const weightMap: Record<string, string> = {};
  for (const [index, shard] of shards.entries()) {
    await writeSafetensors(join(dir, names[index]), shard, { dtype, metadata });
    for (const tensor of shard) weightMap[tensor.name] = names[index];
  }
  const totalSize = tensors.reduce((sum, tensor) => sum + bytesOf(tensor), 0);
  await writeFileAtomic({
    path: join(dir, INDEX_FILE),
    data: `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`,
  });
  await rm(join(dir, SINGLE_FILE), { force: true });
  return [...names, INDEX_FILE];
}
