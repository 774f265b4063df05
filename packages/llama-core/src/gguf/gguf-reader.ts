import { type FileHandle, open } from 'node:fs/promises';
import { rowBytes, weightStore } from '@lawgpt/engine';
import { GgufError } from '../errors.js';
import { type GgufHeader, type GgufTensorInfo, NeedMoreBytes, parseGgufHeader } from './gguf-header.js';
import {
  GGML_TYPE_NAMES,
  GGML_TYPES,
  type GgmlType,
  type GgufValue,
  plainValue,
  weightFormatOf,
} from './gguf-types.js';

const READ_CHUNK = 1 << 30;

/** A GGUF tensor read and decoded to float32. */
export interface GgufTensorData {
  /** Stored type. */
  type: GgmlType;
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

  /** The tensor's info, or an error naming the tensor and its type when the engine cannot hold that type. */
  supported(name: string): GgufTensorInfo & { type: GgmlType; byteLength: number } {
    const info = this.byName.get(name);
    if (!info) throw new GgufError(this.path, 'no such tensor in this file', undefined, name);
    if (!info.type || info.byteLength === undefined) {
      throw new GgufError(
        this.path,
        `ggml type ${GGML_TYPE_NAMES[info.typeCode] ?? info.typeCode} is not supported (${Object.keys(GGML_TYPES).join(', ')})`,
        'type',
        name,
      );
    }
    return info as GgufTensorInfo & { type: GgmlType; byteLength: number };
  }

  /** Raw stored bytes of a tensor from byte `offset` into `dst` (a short read names the offset). */
  async readBytes(name: string, offset: number, dst: Uint8Array): Promise<void> {
    const info = this.supported(name);
    if (offset < 0 || offset + dst.length > info.byteLength) {
      throw new GgufError(
        this.path,
        `bytes [${offset}, ${offset + dst.length}) are outside the tensor`,
        'data',
        name,
      );
    }
    const position = info.absoluteOffset + offset;
    let done = 0;
    while (done < dst.length) {
      const chunk = Math.min(dst.length - done, READ_CHUNK);
      const { bytesRead } = await this.handle.read(dst, done, chunk, position + done);
      if (bytesRead === 0) {
        throw new GgufError(
          this.path,
          `truncated file: no data at offset ${position + done} (read ${done} of ${dst.length} bytes)`,
          'data',
          name,
        );
      }
      done += bytesRead;
    }
  }

  /** Read one tensor of any supported type, decoded to float32 (F32/F16/BF16 exactly, Q8_0/Q4_0 as d · q). */
  async readTensor(name: string): Promise<GgufTensorData> {
    const info = this.supported(name);
    const format = weightFormatOf(info.type);
    const cols = info.shape.at(-1)!;
    const rows = info.byteLength / rowBytes(format, cols);
    const weight = await weightStore().load({
      name,
      format,
      rows,
      cols,
      sourceFormat: format,
      read: (start, _count, dst) => this.readBytes(name, start * rowBytes(format, cols), dst),
      allowNonfinite: true,
    });
    const data = weight.readRows();
    weight.dispose();
    return { type: info.type, shape: info.shape, data };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
