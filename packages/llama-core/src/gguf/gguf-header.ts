import { GgufError } from '../errors.js';
import {
  GGML_TYPE_NAMES,
  GGML_TYPE_SIZES,
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VALUE_BYTES,
  type GgmlType,
  type GgufArray,
  type GgufValue,
  type GgufValueType,
  valueTypeName,
} from './gguf-types.js';

/** One tensor's entry in a GGUF header. */
export interface GgufTensorInfo {
  name: string;
  /** Dimensions in GGML order as stored (`dims[0]` varies fastest). */
  dims: number[];
  /** Row-major shape (PyTorch/HF order): `dims` reversed. */
  shape: number[];
  /** `ggml_type` code. */
  typeCode: number;
  /** The type when this package computes with it (F32, F16, BF16, Q8_0, Q4_0), else undefined. */
  type: GgmlType | undefined;
  /** Offset relative to the start of the data section, as stored. */
  offset: number;
  /** Absolute offset of the data in the file. */
  absoluteOffset: number;
  /** Byte length for the types whose size is known (ggml's type traits), else undefined. */
  byteLength: number | undefined;
}

/** A parsed GGUF header. */
export interface GgufHeader {
  version: number;
  alignment: number;
  /** Metadata in file order. */
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
}

const SUPPORTED_VERSIONS = [2, 3];

/** Thrown when the bytes read so far end before the header does (more of the file must be read). */
export class NeedMoreBytes extends Error {}

/** Sequential little-endian reads over a prefix of a file, with errors naming the field being read. */
class Cursor {
  position = 0;
  constructor(
    private readonly buffer: Buffer,
    private readonly fileSize: number,
    private readonly path: string,
  ) {}

  private take(count: number, field: string): number {
    const at = this.position;
    if (at + count > this.buffer.length) {
      if (this.buffer.length >= this.fileSize || at + count > this.fileSize) this.truncated(field, count);
      throw new NeedMoreBytes();
    }
    this.position += count;
    return at;
  }

  truncated(field: string, count: number): never {
    throw new GgufError(
      this.path,
      `truncated file: needs ${count} more byte(s) at offset ${this.position}, the file has ${this.fileSize}`,
      field,
    );
  }

  /** Fail early when `count` items of at least `itemBytes` each cannot fit in the rest of the file. */
  checkCount(count: number, itemBytes: number, field: string): void {
    if (count * itemBytes > this.fileSize - this.position) this.truncated(field, count * itemBytes);
  }

  u32(field: string): number {
    return this.buffer.readUInt32LE(this.take(4, field));
  }

  /** A u64 that must be a safe JS integer (counts, sizes, offsets). */
  count(field: string): number {
    const value = this.buffer.readBigUInt64LE(this.take(8, field));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.truncated(field, Number.MAX_SAFE_INTEGER);
    return Number(value);
  }

  string(field: string): string {
    const size = this.count(field);
    this.checkCount(size, 1, field);
    const at = this.take(size, field);
    return this.buffer.toString('utf8', at, at + size);
  }

  scalar(type: GgufValueType, field: string): number | bigint | boolean | string {
    if (type === 'string') return this.string(field);
    const at = this.take(GGUF_VALUE_BYTES[type], field);
    const b = this.buffer;
    switch (type) {
      case 'u8':
        return b.readUInt8(at);
      case 'i8':
        return b.readInt8(at);
      case 'u16':
        return b.readUInt16LE(at);
      case 'i16':
        return b.readInt16LE(at);
      case 'u32':
        return b.readUInt32LE(at);
      case 'i32':
        return b.readInt32LE(at);
      case 'f32':
        return b.readFloatLE(at);
      case 'f64':
        return b.readDoubleLE(at);
      case 'bool':
        return b.readUInt8(at) !== 0;
      case 'u64':
        return b.readBigUInt64LE(at);
      default:
        return b.readBigInt64LE(at);
    }
  }

  valueType(field: string): GgufValueType {
    const code = this.u32(field);
    const type = valueTypeName(code);
    if (!type) throw new GgufError(this.path, `unknown value type ${code} (known: 0-12)`, field);
    return type;
  }

  value(type: GgufValueType, field: string): GgufValue {
    if (type === 'array') return this.array(field);
    return { type, value: this.scalar(type, field) } as GgufValue;
  }

  array(field: string): GgufArray {
    const itemType = this.valueType(`${field} (array item type)`);
    const length = this.count(`${field} (array length)`);
    const minimum = itemType === 'array' ? 12 : itemType === 'string' ? 8 : GGUF_VALUE_BYTES[itemType];
    this.checkCount(length, minimum, `${field} (array of ${length} ${itemType})`);
    const items: GgufArray['items'][number][] = new Array(length);
    for (let index = 0; index < length; index++) {
      const itemField = `${field}[${index}]`;
      items[index] = itemType === 'array' ? this.array(itemField) : this.scalar(itemType, itemField);
    }
    return { type: 'array', itemType, items };
  }
}

/**
 * Parse a GGUF header from `buffer`, the first bytes of a file of `fileSize` bytes. Throws
 * {@link NeedMoreBytes} when the header runs past `buffer` but not past the file.
 */
export function parseGgufHeader(buffer: Buffer, fileSize: number, path: string): GgufHeader {
  const cursor = new Cursor(buffer, fileSize, path);
  const magic = cursor.u32('magic');
  if (magic !== GGUF_MAGIC) {
    const found = buffer
      .subarray(0, 4)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1 ');
    throw new GgufError(path, `bad magic: expected "GGUF" (47 47 55 46), got ${found}`, 'magic');
  }
  const version = cursor.u32('version');
  if (!SUPPORTED_VERSIONS.includes(version)) {
    const hint = version > 0xffff ? ' (a big-endian GGUF file?)' : '';
    throw new GgufError(path, `unsupported version ${version}${hint}; expected 3 (or 2)`, 'version');
  }
  const tensorCount = cursor.count('tensor_count');
  const kvCount = cursor.count('metadata_kv_count');
  cursor.checkCount(kvCount, 13, 'metadata_kv_count');
  cursor.checkCount(tensorCount, 24, 'tensor_count');
  const metadata = new Map<string, GgufValue>();
  for (let index = 0; index < kvCount; index++) {
    const key = cursor.string(`metadata[${index}].key`);
    const type = cursor.valueType(`metadata["${key}"] (value type)`);
    metadata.set(key, cursor.value(type, `metadata["${key}"]`));
  }
  const alignment = readAlignment(metadata, path);
  const infos: Omit<GgufTensorInfo, 'absoluteOffset'>[] = [];
  for (let index = 0; index < tensorCount; index++) {
    const field = `tensor_infos[${index}]`;
    const name = cursor.string(`${field}.name`);
    const nDims = cursor.u32(`${field}.n_dimensions ("${name}")`);
    if (nDims < 1 || nDims > 4) {
      throw new GgufError(path, `n_dimensions must be 1 to 4, got ${nDims}`, `${field}.n_dimensions`, name);
    }
    const dims: number[] = [];
    for (let axis = 0; axis < nDims; axis++)
      dims.push(cursor.count(`${field}.dimensions[${axis}] ("${name}")`));
    const typeCode = cursor.u32(`${field}.type ("${name}")`);
    const offset = cursor.count(`${field}.offset ("${name}")`);
    const elements = dims.reduce((product, size) => product * size, 1);
    const size = GGML_TYPE_SIZES[typeCode];
    const type = (Object.keys(GGML_TYPES) as GgmlType[]).find((key) => GGML_TYPES[key] === typeCode);
    if (size && dims[0]! % size[0] !== 0) {
      throw new GgufError(
        path,
        `${GGML_TYPE_NAMES[typeCode]} rows must be whole blocks of ${size[0]} values, got ${dims[0]}`,
        `${field}.dimensions[0]`,
        name,
      );
    }
    const byteLength = size === undefined ? undefined : (elements / size[0]) * size[1];
    infos.push({ name, dims, shape: [...dims].reverse(), typeCode, type, offset, byteLength });
  }
  const dataOffset = Math.ceil(cursor.position / alignment) * alignment;
  const tensors = infos.map((info) => {
    const absoluteOffset = dataOffset + info.offset;
    if (info.offset % alignment !== 0) {
      throw new GgufError(
        path,
        `offset ${info.offset} is not a multiple of the alignment ${alignment}`,
        'offset',
        info.name,
      );
    }
    const end = absoluteOffset + (info.byteLength ?? 1);
    if (end > fileSize) {
      throw new GgufError(
        path,
        `offset past end: data [${absoluteOffset}, ${end}) lies beyond the file size ${fileSize}`,
        'offset',
        info.name,
      );
    }
    return { ...info, absoluteOffset };
  });
  return { version, alignment, metadata, tensors, dataOffset };
}

function readAlignment(metadata: Map<string, GgufValue>, path: string): number {
  const value = metadata.get('general.alignment');
  if (!value) return GGUF_DEFAULT_ALIGNMENT;
  const field = 'metadata["general.alignment"]';
  if (value.type !== 'u32') throw new GgufError(path, `must be a u32, got ${value.type}`, field);
  const alignment = value.value;
  if (alignment === 0 || (alignment & (alignment - 1)) !== 0) {
    throw new GgufError(path, `must be a power of two, got ${alignment}`, field);
  }
  return alignment;
}
