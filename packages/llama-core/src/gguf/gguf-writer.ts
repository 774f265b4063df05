import { open } from 'node:fs/promises';
import { replaceFileAtomic } from '@lawgpt/common';
import { rowBytes, weightStore } from '@lawgpt/engine';
import { GgufError } from '../errors.js';
import { f32ToBf16, f32ToF16 } from '../safetensors/dtype.js';
import { GgufEncoder } from './gguf-encoder.js';
import {
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  type GgmlType,
  type GgufValue,
  weightFormatOf,
} from './gguf-types.js';

/** A tensor to write; its values are produced only when it is written (one tensor in memory at a time). */
export interface GgufTensorSource {
  /** GGUF tensor name, e.g. `blk.0.attn_q.weight` (at most 63 bytes). */
  name: string;
  /** Row-major shape (as in PyTorch/HF); the file stores it reversed, GGML order (`ne[0]` = last axis). */
  shape: readonly number[];
  /**
   * Stored element type: float32 values are rounded to nearest even for `F16` / `BF16`, and quantized as
   * ggml's reference quantizers do for `Q8_0` / `Q4_0` (2-D, rows of whole 32-value blocks).
   */
  type: GgmlType;
  /** The float32 values, row-major (or give `bytes`). */
  data?: () => Float32Array | Promise<Float32Array>;
  /** The stored bytes in `type` already (e.g. a model's Q8_0 blocks, written as they are). */
  bytes?: () => Uint8Array | Promise<Uint8Array>;
}

/** Progress of {@link writeGguf}, after each tensor. */
export interface GgufWriteProgress {
  tensors: number;
  totalTensors: number;
  bytes: number;
  totalBytes: number;
  /** The tensor just written. */
  tensor: string;
}

/** Options of {@link writeGguf}. */
export interface WriteGgufOptions {
  /** Output file; written to a temporary name next to it, then renamed. */
  path: string;
  /** Metadata pairs, in file order (a `general.alignment` u32 here sets the alignment). */
  metadata: Iterable<readonly [string, GgufValue]>;
  /** Tensors, in file order. */
  tensors: readonly GgufTensorSource[];
  /** Data alignment in bytes (a power of two); when not 32 it is also written as `general.alignment`. Default 32. */
  alignment?: number;
  /** Called after each tensor. */
  onProgress?: (progress: GgufWriteProgress) => void;
  /** Aborts between tensors (the temporary file is removed). */
  signal?: AbortSignal;
}

/** What {@link writeGguf} wrote. */
export interface WriteGgufResult {
  path: string;
  /** Number of tensors. */
  tensors: number;
  /** File size in bytes. */
  bytes: number;
}

const MAX_NAME_BYTES = 63;
const MAX_DIMS = 4;

/**
 * Write a GGUF v3 file (little-endian): header, metadata, tensor infos, then each tensor's data at an
 * offset aligned to `general.alignment`. Tensor values are requested one at a time, so the weights are
 * never all held twice.
 */
export async function writeGguf({
  path,
  metadata,
  tensors,
  alignment,
  onProgress,
  signal,
}: WriteGgufOptions): Promise<WriteGgufResult> {
  const pairs = [...metadata];
  const effectiveAlignment = resolveAlignment(path, pairs, alignment);
  if (alignment !== undefined && !pairs.some(([key]) => key === 'general.alignment')) {
    if (alignment !== GGUF_DEFAULT_ALIGNMENT)
      pairs.push(['general.alignment', { type: 'u32', value: alignment }]);
  }
  const header = encodeHeader(path, pairs, tensors, effectiveAlignment);
  const totalBytes = header.dataStart + header.dataSize;
  await replaceFileAtomic({
    path,
    signal,
    write: async (temporary) => {
      const handle = await open(temporary, 'w');
      try {
        await handle.write(header.bytes, 0, header.bytes.length, 0);
        let position = header.dataStart;
        for (const [index, tensor] of tensors.entries()) {
          signal?.throwIfAborted();
          const bytes = tensor.bytes
            ? checkBytes(path, tensor, await tensor.bytes())
            : encodeTensor(path, tensor, await tensor.data!());
          await handle.write(bytes, 0, bytes.length, position);
          position += align(bytes.length, effectiveAlignment);
          onProgress?.({
            tensors: index + 1,
            totalTensors: tensors.length,
            bytes: position,
            totalBytes,
            tensor: tensor.name,
          });
        }
        // Trailing padding of the last tensor, so the data section is a whole number of aligned blocks.
        await handle.truncate(totalBytes);
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw error;
      }
      await handle.close();
    },
  });
  return { path, tensors: tensors.length, bytes: totalBytes };
}

function resolveAlignment(
  path: string,
  pairs: readonly (readonly [string, GgufValue])[],
  requested: number | undefined,
): number {
  const entry = pairs.find(([key]) => key === 'general.alignment');
  let alignment = requested ?? GGUF_DEFAULT_ALIGNMENT;
  if (entry) {
    const [, value] = entry;
    if (value.type !== 'u32') {
      throw new GgufError(path, `must be a u32, got ${value.type}`, 'metadata["general.alignment"]');
    }
    if (requested !== undefined && requested !== value.value) {
      throw new GgufError(
        path,
        `is ${value.value} but options.alignment is ${requested}`,
        'metadata["general.alignment"]',
      );
    }
    alignment = value.value;
  }
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new GgufError(path, `must be a power of two, got ${alignment}`, 'general.alignment');
  }
  return alignment;
}

function align(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

/** Header bytes (padded to the alignment), where the data section starts and its size. */
function encodeHeader(
  path: string,
  pairs: readonly (readonly [string, GgufValue])[],
  tensors: readonly GgufTensorSource[],
  alignment: number,
): { bytes: Buffer; dataStart: number; dataSize: number } {
  const encoder = new GgufEncoder(path);
  encoder.u32(GGUF_MAGIC);
  encoder.u32(GGUF_VERSION);
  encoder.u64(tensors.length);
  encoder.u64(pairs.length);
  const keys = new Set<string>();
  for (const [key, value] of pairs) {
    if (keys.has(key)) throw new GgufError(path, 'duplicate metadata key', `metadata["${key}"]`);
    keys.add(key);
    encoder.keyValue(key, value);
  }
  const names = new Set<string>();
  let offset = 0;
  for (const tensor of tensors) {
    checkTensor(path, tensor, names);
    encoder.string(tensor.name);
    encoder.u32(tensor.shape.length);
    for (const size of [...tensor.shape].reverse()) encoder.u64(size);
    encoder.u32(GGML_TYPES[tensor.type]);
    encoder.u64(offset);
    offset += align(tensorBytes(tensor), alignment);
  }
  encoder.pad(alignment);
  return { bytes: encoder.bytes(), dataStart: encoder.length, dataSize: offset };
}

function checkTensor(path: string, tensor: GgufTensorSource, names: Set<string>): void {
  const fail = (detail: string): never => {
    throw new GgufError(path, detail, undefined, tensor.name);
  };
  if (Buffer.byteLength(tensor.name, 'utf8') > MAX_NAME_BYTES)
    fail(`name longer than ${MAX_NAME_BYTES} bytes`);
  if (names.has(tensor.name)) fail('duplicate tensor name');
  names.add(tensor.name);
  if (!(tensor.type in GGML_TYPES)) {
    fail(`type must be one of ${Object.keys(GGML_TYPES).join(', ')}, got ${String(tensor.type)}`);
  }
  if (!tensor.data === !tensor.bytes) fail('give exactly one of data and bytes');
  if (tensor.shape.length < 1 || tensor.shape.length > MAX_DIMS) {
    fail(`must have 1 to ${MAX_DIMS} dimensions, got [${tensor.shape.join(', ')}]`);
  }
  if (tensor.shape.some((size) => !Number.isInteger(size) || size <= 0)) {
    fail(`shape must hold positive integers, got [${tensor.shape.join(', ')}]`);
  }
  if ((tensor.type === 'Q8_0' || tensor.type === 'Q4_0') && tensor.shape.at(-1)! % 32 !== 0) {
    fail(`${tensor.type} needs rows of whole 32-value blocks, got [${tensor.shape.join(', ')}]`);
  }
}

/** Bytes of a tensor's data in its type. */
function tensorBytes(tensor: GgufTensorSource): number {
  const cols = tensor.shape.at(-1)!;
  return (elementCount(tensor.shape) / cols) * rowBytes(weightFormatOf(tensor.type), cols);
}

function checkBytes(path: string, tensor: GgufTensorSource, bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== tensorBytes(tensor)) {
    throw new GgufError(
      path,
      `bytes must be a Uint8Array of ${tensorBytes(tensor)} bytes (${tensor.type} [${tensor.shape.join(', ')}]), got ${
        bytes instanceof Uint8Array ? bytes.length : typeof bytes
      }`,
      undefined,
      tensor.name,
    );
  }
  return bytes;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

function encodeTensor(path: string, tensor: GgufTensorSource, values: Float32Array): Buffer {
  const expected = elementCount(tensor.shape);
  if (!(values instanceof Float32Array) || values.length !== expected) {
    throw new GgufError(
      path,
      `data must be a Float32Array of ${expected} values (shape [${tensor.shape.join(', ')}]), got ${
        values instanceof Float32Array ? values.length : typeof values
      }`,
      undefined,
      tensor.name,
    );
  }
  if (tensor.type === 'Q8_0' || tensor.type === 'Q4_0') {
    const cols = tensor.shape.at(-1)!;
    const weight = weightStore().fromValues({
      name: tensor.name,
      format: weightFormatOf(tensor.type),
      rows: expected / cols,
      cols,
      values,
    });
    const bytes = Buffer.from(weight.bytes());
    weight.dispose();
    return bytes;
  }
  const stored =
    tensor.type === 'F16' ? f32ToF16(values) : tensor.type === 'BF16' ? f32ToBf16(values) : values;
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
}
