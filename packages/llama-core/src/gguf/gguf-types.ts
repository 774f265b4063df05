import type { WeightFormat } from '@lawgpt/engine';

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
export const GGML_TYPES = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, BF16: 30 } as const;
/** A tensor element type this package supports. */
export type GgmlType = keyof typeof GGML_TYPES;

/** The engine's weight format of a ggml type. */
export function weightFormatOf(type: GgmlType): WeightFormat {
  return type.toLowerCase() as WeightFormat;
}

/** The ggml type of an engine weight format. */
export function ggmlTypeOf(format: WeightFormat): GgmlType {
  return format.toUpperCase() as GgmlType;
}

/**
 * [values per block, bytes per block] of every ggml type whose size is known (ggml's type traits), so that
 * offsets of any file can be checked against its size, even for types this package does not compute with.
 */
export const GGML_TYPE_SIZES: Readonly<Record<number, readonly [number, number]>> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  30: [1, 2], // BF16
};

/** Names of ggml type codes, for messages. */
export const GGML_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  6: 'Q5_0',
  7: 'Q5_1',
  8: 'Q8_0',
  9: 'Q8_1',
  10: 'Q2_K',
  11: 'Q3_K',
  12: 'Q4_K',
  13: 'Q5_K',
  14: 'Q6_K',
  15: 'Q8_K',
  24: 'I8',
  25: 'I16',
  26: 'I32',
  27: 'I64',
  28: 'F64',
  30: 'BF16',
};

/** The plain JS form of a value (numbers, bigints, booleans, strings, arrays of them). */
export function plainValue(value: GgufValue): unknown {
  if (value.type === 'array') {
    return value.items.map((item) =>
      typeof item === 'object' && item !== null ? plainValue(item as GgufArray) : item,
    );
  }
  return value.value;
}
