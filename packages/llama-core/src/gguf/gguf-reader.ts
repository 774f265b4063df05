import { type FileHandle, open } from 'node:fs/promises';
import { GgufError } from '../errors.js';
import { f16ToF32 } from '../safetensors/dtype.js';
import { type GgufHeader, type GgufTensorInfo, NeedMoreBytes, parseGgufHeader } from './gguf-header.js';
import { type GgufValue, plainValue } from './gguf-types.js';

/** A GGUF tensor read and widened to float32. */
export interface GgufTensorData {
  /** Stored type. */
  type: 'F32' | 'F16';
  /** Row-major shape (GGML dims reversed). */
  shape: number[];
  data: Float32Array;
}

const FIRST_READ = 1 << 20;

/**
 * An open GGUF file: the parsed header (metadata, tensor infos with absolute offsets) up front,
 * tensor data read one tensor at a time. Call `close()` when done.
 */
export class GgufFile {
  private readonly byName: Map<string, GgufTensorInfo>;

  private constructor(
    /** Path of the file. */
    readonly path: string,
    private readonly handle: FileHandle,
    /** Size of the file in bytes. */
    readonly fileSize: number,
    /** The parsed header. */
    readonly header: GgufHeader,
  ) {
    this.byName = new Map(header.tensors.map((tensor) => [tensor.name, tensor]));
  }

  /** Open `path` and parse its header (magic, version, metadata, tensor infos, offsets within the file). */
  static async open(path: string): Promise<GgufFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new GgufError(path, `cannot open: ${(error as Error).message}`);
    }
    try {
      const { size } = await handle.stat();
      // Read a prefix and parse; when the header is longer than the prefix, read twice as much and parse again.
      for (let length = Math.min(size, FIRST_READ); ; length = Math.min(size, length * 2)) {
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, 0);
        try {
          return new GgufFile(path, handle, size, parseGgufHeader(buffer, size, path));
        } catch (error) {
          if (!(error instanceof NeedMoreBytes)) throw error;
        }
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** GGUF version (3, or 2 which has the same layout). */
  get version(): number {
    return this.header.version;
  }

  /** Metadata in file order. */
  get metadata(): Map<string, GgufValue> {
    return this.header.metadata;
  }

  /** Tensor infos in file order. */
  get tensors(): GgufTensorInfo[] {
    return this.header.tensors;
  }

  /** Plain value of a metadata key (numbers, bigints, booleans, strings, arrays), or undefined. */
  value(key: string): unknown {
    const value = this.header.metadata.get(key);
    return value === undefined ? undefined : plainValue(value);
  }

  /** Header entry of a tensor, or undefined. */
  info(name: string): GgufTensorInfo | undefined {
    return this.byName.get(name);
  }

  /** Read one F32 or F16 tensor, widened exactly to float32. */
  async readTensor(name: string): Promise<GgufTensorData> {
    const info = this.byName.get(name);
    if (!info) throw new GgufError(this.path, 'no such tensor in this file', undefined, name);
    if (!info.type || info.byteLength === undefined) {
      throw new GgufError(
        this.path,
        `ggml type ${info.typeCode} cannot be read as float (F32 = 0 and F16 = 1 only)`,
        'type',
        name,
      );
    }
    // Buffer.alloc never uses the shared pool: byteOffset is 0, so typed views below are aligned.
    const bytes = Buffer.alloc(info.byteLength);
    const { bytesRead } = await this.handle.read(bytes, 0, info.byteLength, info.absoluteOffset);
    if (bytesRead !== info.byteLength) {
      throw new GgufError(
        this.path,
        `truncated file: read ${bytesRead} of ${info.byteLength} bytes at offset ${info.absoluteOffset}`,
        'data',
        name,
      );
    }
    const data =
      info.type === 'F32'
        ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
        : f16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
    return { type: info.type, shape: info.shape, data };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
