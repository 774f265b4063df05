import { GgufError } from '../errors.js';
import { GGUF_VALUE_TYPES, type GgufArray, type GgufValue, type GgufValueType } from './gguf-types.js';

const INTEGER_RANGES: Readonly<Record<string, [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

/** A growable little-endian byte buffer for the GGUF header (metadata and tensor infos). */
export class GgufEncoder {
  private buffer = Buffer.alloc(1 << 16);
  /** Bytes written so far. */
  length = 0;

  constructor(
    /** File being written, named in errors. */
    private readonly path: string,
  ) {}

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Reserve `count` bytes, then write them (the buffer may be replaced by reserving, so read it after). */
  private put(count: number, write: (at: number) => void): void {
    const at = this.reserve(count);
    write(at);
  }

  private reserve(count: number): number {
    if (this.length + count > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + count));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += count;
    return at;
  }

  u32(value: number): void {
    const at = this.reserve(4);
    this.buffer.writeUInt32LE(value, at);
  }

  u64(value: number | bigint): void {
    const at = this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(value), at);
  }

  /** A GGUF string: u64 byte length, then UTF-8 bytes (no terminator). */
  string(text: string): void {
    const size = Buffer.byteLength(text, 'utf8');
    this.u64(size);
    const at = this.reserve(size);
    this.buffer.write(text, at, size, 'utf8');
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    const at = this.reserve(padding);
    this.buffer.fill(0, at, this.length);
  }

  /** A metadata pair: key, u32 type code, value. */
  keyValue(key: string, value: GgufValue): void {
    this.string(key);
    this.u32(GGUF_VALUE_TYPES[value.type]);
    if (value.type === 'array') this.array(value, `metadata["${key}"]`);
    else this.scalar(value.type, value.value, `metadata["${key}"]`);
  }

  private array(value: GgufArray, field: string): void {
    if (!(value.itemType in GGUF_VALUE_TYPES)) this.fail(field, `unknown item type "${value.itemType}"`);
    this.u32(GGUF_VALUE_TYPES[value.itemType]);
    this.u64(value.items.length);
    value.items.forEach((item, index) => {
      const itemField = `${field}[${index}]`;
      if (value.itemType !== 'array') {
        this.scalar(value.itemType, item, itemField);
        return;
      }
      if (typeof item !== 'object' || item === null || item.type !== 'array') {
        this.fail(itemField, 'must be a nested array {type: "array", itemType, items}');
      }
      this.array(item, itemField);
    });
  }

  private scalar(type: GgufValueType, value: unknown, field: string): void {
    switch (type) {
      case 'string':
        if (typeof value !== 'string') this.fail(field, `must be a string, got ${typeof value}`);
        this.string(value);
        return;
      case 'bool':
        if (typeof value !== 'boolean') this.fail(field, `must be a boolean, got ${typeof value}`);
        this.put(1, (at) => this.buffer.writeUInt8(value ? 1 : 0, at));
        return;
      case 'f32':
      case 'f64':
        if (typeof value !== 'number') this.fail(field, `must be a number, got ${typeof value}`);
        if (type === 'f32') this.put(4, (at) => this.buffer.writeFloatLE(value, at));
        else this.put(8, (at) => this.buffer.writeDoubleLE(value, at));
        return;
      case 'u64':
      case 'i64': {
        const unsigned = type === 'u64';
        const valid =
          typeof value === 'bigint' &&
          (unsigned ? value >= 0n && value < 1n << 64n : value >= -(1n << 63n) && value < 1n << 63n);
        if (!valid) this.fail(field, `must be a bigint in the ${type} range, got ${String(value)}`);
        const at = this.reserve(8);
        if (unsigned) this.buffer.writeBigUInt64LE(value as bigint, at);
        else this.buffer.writeBigInt64LE(value as bigint, at);
        return;
      }
      case 'array':
        this.fail(field, 'an array value must be a {type: "array"} object');
        return;
      default:
        this.integer(type, value, field);
    }
  }

  private integer(type: GgufValueType, value: unknown, field: string): void {
    const range = INTEGER_RANGES[type];
    if (!range) this.fail(field, `unknown value type "${type}"`);
    const [min, max] = range;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `must be an integer in [${min}, ${max}] (${type}), got ${String(value)}`);
    }
    const size = type === 'u8' || type === 'i8' ? 1 : type === 'u16' || type === 'i16' ? 2 : 4;
    const signed = type.startsWith('i');
    this.put(size, (at) => this.buffer[signed ? 'writeIntLE' : 'writeUIntLE'](value, at, size));
  }

  private fail(field: string, detail: string): never {
    throw new GgufError(this.path, detail, field);
  }
}
