/**
 * How a stored weight keeps its values: float32, IEEE half, bfloat16, or llama.cpp's `Q8_0` / `Q4_0` blocks of 32
 * values along a row (an f16 scale and 32 int8 / 4-bit values: 34 / 18 bytes per block).
 */
export type WeightFormat = 'f32' | 'f16' | 'bf16' | 'q8_0' | 'q4_0';

/** Every format, widest first. */
export const WEIGHT_FORMATS: readonly WeightFormat[] = ['f32', 'bf16', 'f16', 'q8_0', 'q4_0'];

/** ggml type code of each format (the GGUF tensor type, and the code the C kernels take). */
export const GGML_TYPE_CODES: Readonly<Record<WeightFormat, number>> = {
  f32: 0,
  f16: 1,
  q4_0: 2,
  q8_0: 8,
  bf16: 30,
};

/** Values per quantization block. */
export const QUANT_BLOCK = 32;

const BLOCK_BYTES: Readonly<Record<WeightFormat, number>> = { f32: 4, f16: 2, bf16: 2, q8_0: 34, q4_0: 18 };

/** True for the block-quantized formats. */
export function isQuantized(format: WeightFormat): boolean {
  return format === 'q8_0' || format === 'q4_0';
}

/** True when a row of `cols` values can be held in `format` (quantized rows need whole blocks). */
export function canStore(format: WeightFormat, cols: number): boolean {
  return !isQuantized(format) || cols % QUANT_BLOCK === 0;
}

/** Bytes of one row of `cols` values. */
export function rowBytes(format: WeightFormat, cols: number): number {
  return isQuantized(format) ? (cols / QUANT_BLOCK) * BLOCK_BYTES[format] : cols * BLOCK_BYTES[format];
}

/** Average bytes per value (4, 2, 2, 1.0625, 0.5625). */
export function bytesPerValue(format: WeightFormat): number {
  return isQuantized(format) ? BLOCK_BYTES[format] / QUANT_BLOCK : BLOCK_BYTES[format];
}

/** The format of a ggml type code, or undefined for types the engine does not hold. */
export function formatOfGgmlType(code: number): WeightFormat | undefined {
  return (Object.keys(GGML_TYPE_CODES) as WeightFormat[]).find((format) => GGML_TYPE_CODES[format] === code);
}
