import { type FileHandle, open } from 'node:fs/promises';
import { SafetensorsError } from '../errors.js';
import { bf16ToF32, f16ToF32, isFloatDtype } from './dtype.js';
import {
  parseHeaderJson,
  parseHeaderLength,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './header.js';

const READ_CHUNK = 1 << 30;

/** A tensor read from safetensors, widened to float32. */
export interface Float32TensorData {
  /** Dtype stored in the file (`F32`, `F16`, `BF16`). */
  dtype: string;
  shape: number[];
  data: Float32Array;
}

/**
 * An open safetensors file: the validated header up front, tensor data read one tensor at a time
 * (so loading a model keeps roughly one copy of the weights in memory). Call `close()` when done.
 */
export class SafetensorsFile {
  private constructor(
    /** Path of the file. */
    readonly path: string,
    private readonly handle: FileHandle,
    /** The validated header. */
    readonly header: SafetensorsHeader,
    private readonly byName: Map<string, SafetensorsTensorInfo>,
  ) {}

  /** Open and validate `path` (header length, JSON, dtypes, shapes vs byte ranges, overlaps, holes). */
  static async open(path: string): Promise<SafetensorsFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new SafetensorsError(path, `cannot open: ${(error as Error).message}`);
    }
    try {
      const { size } = await handle.stat();
      const prefix = new Uint8Array(8);
      await handle.read(prefix, 0, Math.min(8, size), 0);
      const headerLength = parseHeaderLength(prefix, size, path);
      const json = new Uint8Array(headerLength);
      await handle.read(json, 0, headerLength, 8);
      const header = parseHeaderJson(json, size - 8 - headerLength, path, headerLength);
      const byName = new Map(header.tensors.map((tensor) => [tensor.name, tensor]));
      return new SafetensorsFile(path, handle, header, byName);
    } catch (error) {
      await handle.close();
      // e.g. EISDIR: a folder where the file should be
      if (error instanceof SafetensorsError) throw error;
      throw new SafetensorsError(path, `cannot read: ${(error as Error).message}`);
    }
  }

  /** Tensor names in header order. */
  get names(): string[] {
    return this.header.tensors.map((tensor) => tensor.name);
  }

  /** Header entry of a tensor, or undefined. */
  info(name: string): SafetensorsTensorInfo | undefined {
    return this.byName.get(name);
  }

  /** Read one tensor and widen it to float32 (F32, F16 and BF16; other dtypes are an error). */
  async read(name: string): Promise<Float32TensorData> {
    const info = this.byName.get(name);
    if (!info) throw new SafetensorsError(this.path, 'no such tensor in this file', name);
    if (!isFloatDtype(info.dtype)) {
      throw new SafetensorsError(
        this.path,
        `dtype ${info.dtype} cannot be read as float (F32, F16, BF16 only)`,
        name,
      );
    }
    const [begin, end] = info.dataOffsets;
    const bytes = new Uint8Array(end - begin);
    // fs reads stop at 2 GiB: read in chunks.
    for (let offset = 0; offset < bytes.length; offset += READ_CHUNK) {
      await this.readBytes(name, offset, bytes.subarray(offset, Math.min(bytes.length, offset + READ_CHUNK)));
    }
    return { dtype: info.dtype, shape: [...info.shape], data: widen(info.dtype, bytes) };
  }

  /**
   * Read `dst.length` raw bytes of a tensor's data starting `offset` bytes into it (no conversion), e.g. rows of a
   * weight straight into the engine's memory.
   */
  async readBytes(name: string, offset: number, dst: Uint8Array): Promise<void> {
    const info = this.byName.get(name);
    if (!info) throw new SafetensorsError(this.path, 'no such tensor in this file', name);
    const [begin, end] = info.dataOffsets;
    if (offset < 0 || offset + dst.length > end - begin) {
      throw new SafetensorsError(
        this.path,
        `bytes [${offset}, ${offset + dst.length}) are outside the tensor`,
        name,
      );
    }
    const position = 8 + this.header.headerLength + begin + offset;
    let done = 0;
    while (done < dst.length) {
      const { bytesRead } = await this.handle.read(dst, done, dst.length - done, position + done);
      if (bytesRead === 0) {
        throw new SafetensorsError(
          this.path,
          `short read: ${done} of ${dst.length} bytes at ${position}`,
          name,
        );
      }
      done += bytesRead;
    }
  }

  /** Release the file handle. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

function widen(dtype: string, bytes: Uint8Array): Float32Array {
  if (dtype === 'F32') return new Float32Array(bytes.buffer, 0, bytes.length / 4);
  const halves = new Uint16Array(bytes.buffer, 0, bytes.length / 2);
  return dtype === 'BF16' ? bf16ToF32(halves) : f16ToF32(halves);
}

/** Options of {@link readSafetensors}. */
export interface ReadSafetensorsOptions {
  /** Read only these tensors (all by default). */
  names?: string[];
}

/** Read a whole safetensors file (or the listed tensors) into float32 arrays. */
export async function readSafetensors(
  path: string,
  { names }: ReadSafetensorsOptions = {},
): Promise<{ metadata: Record<string, string>; tensors: Map<string, Float32TensorData> }> {
  const file = await SafetensorsFile.open(path);
  try {
    const tensors = new Map<string, Float32TensorData>();
    for (const name of names ?? file.names) tensors.set(name, await file.read(name));
    return { metadata: { ...file.header.metadata }, tensors };
  } finally {
    await file.close();
  }
}
