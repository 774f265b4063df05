/**
 * GGUF v3 vocabulary shared by the writer and the reader (ggml `docs/gguf.md`): metadata value type codes,
 * tensor (ggml) type codes, and the in-memory form of a metadata value.
 */

/** Magic at offset 0: the bytes `G G U F` (0x46554747 read as a little-endian u32). */
export const GGUF_MAGIC = 0x46554747;
/** The version this package writes (and the only one it reads). */
export const GGUF_VERSION = 3;
/** Alignment of the tensor data when `general.alignment` is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value types by name, with their on-disk `gguf_metadata_value_type` codes. */
export const GGUF_VALUE_TYPES = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

/** Name of a metadata value type. */
export type GgufValueType = keyof typeof GGUF_VALUE_TYPES;
/** Types whose value is a JS number. */
export type GgufNumberType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64';
/** Types whose value is a bigint (64-bit integers). */
export type GgufBigintType = 'u64' | 'i64';

/** Byte size of each fixed-size value type. */
export const GGUF_VALUE_BYTES: Readonly<Record<string, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

/** Type name of an on-disk code, or undefined for an unknown code. */
export function valueTypeName(code: number): GgufValueType | undefined {
  for (const [name, value] of Object.entries(GGUF_VALUE_TYPES)) {
    if (value === code) return name as GgufValueType;
  }
  return undefined;
}

/** An array value: every item has `itemType` (nested arrays are `GgufArray` items). */
export interface GgufArray {
  type: 'array';
  itemType: GgufValueType;
  /** numbers, bigints, booleans, strings, or nested {@link GgufArray}s, as `itemType` says. */
  items: readonly (number | bigint | boolean | string | GgufArray)[];
}

/** A typed metadata value. */
export type GgufValue =
  | { type: GgufNumberType; value: number }
  | { type: GgufBigintType; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | GgufArray;

/** Tensor element types this package writes and reads (`ggml_type` codes). */
export const GGML_TYPES = { F32: 0, F16: 1 } as const;
/** A tensor element type this package supports. */
export type GgmlType = keyof typeof GGML_TYPES;

/** The plain JS form of a value (numbers, bigints, booleans, strings, arrays of them). */
export function plainValue(value: GgufValue): unknown {
  if (value.type === 'array') {
    return value.items.map((item) =>
      typeof item === 'object' && item !== null ? plainValue(item as GgufArray) : item,
    );
  }
  return value.value;
}
