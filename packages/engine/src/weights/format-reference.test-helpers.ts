// Independent float64 models of the formats (written from llama.cpp's format description, not from csrc/), used by
// the tests as references.

export const f32 = Math.fround;

/** IEEE half bits → number, exact. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** number → nearest IEEE half bits (ties to even), by search over the representable values. */
export function numberToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= 65520) return sign | 0x7c00;
  let best = 0;
  let bestError = Number.POSITIVE_INFINITY;
  // Binary search over the ordered positive halves 0..0x7bff.
  let lo = 0;
  let hi = 0x7bff;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (halfToNumber(mid) <= a) lo = mid;
    else hi = mid;
  }
  for (const candidate of [lo, hi]) {
    const error = Math.abs(halfToNumber(candidate) - a);
    if (error < bestError || (error === bestError && (candidate & 1) === 0)) {
      best = candidate;
      bestError = error;
    }
  }
  return sign | best;
}

/** ggml's quantize_row_q8_0_ref on one 32-value block: [d bits, q[32]]. */
export function quantizeQ8Block(values: ArrayLike<number>): { d: number; q: number[] } {
  let amax = 0;
  for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[j]!));
  const d = f32(amax / 127);
  const id = d ? f32(1 / d) : 0;
  const q = Array.from({ length: 32 }, (_, j) => {
    const v = f32(values[j]! * id);
    return Math.sign(v) * Math.floor(Math.abs(v) + 0.5); // roundf: half away from zero (|v| < 2^23, exact)
  });
  return { d: numberToHalf(d), q };
}

/** ggml's quantize_row_q4_0_ref on one block: [d bits, nibbles 0..15 for values 0..31]. */
export function quantizeQ4Block(values: ArrayLike<number>): { d: number; q: number[] } {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < 32; j++) {
    if (amax < Math.abs(values[j]!)) {
      amax = Math.abs(values[j]!);
      max = values[j]!;
    }
  }
  const d = f32(max / -8);
  const id = d ? f32(1 / d) : 0;
  const q = Array.from({ length: 32 }, (_, j) => Math.min(15, Math.trunc(f32(f32(values[j]! * id) + 8.5))));
  return { d: numberToHalf(d), q };
}

/** Bytes of Q8_0 / Q4_0 blocks for a row, from {@link quantizeQ8Block} / {@link quantizeQ4Block}. */
export function encodeBlocks(format: 'q8_0' | 'q4_0', row: ArrayLike<number>): Uint8Array {
  const blocks = row.length / 32;
  const size = format === 'q8_0' ? 34 : 18;
  const out = new Uint8Array(blocks * size);
  for (let b = 0; b < blocks; b++) {
    const slice = Array.from({ length: 32 }, (_, j) => row[b * 32 + j]!);
    const { d, q } = format === 'q8_0' ? quantizeQ8Block(slice) : quantizeQ4Block(slice);
    out[b * size] = d & 0xff;
    out[b * size + 1] = d >> 8;
    if (format === 'q8_0') for (let j = 0; j < 32; j++) out[b * size + 2 + j] = q[j]! & 0xff;
    else for (let j = 0; j < 16; j++) out[b * size + 2 + j] = q[j]! | (q[j + 16]! << 4);
  }
  return out;
}

/** Values of Q8_0 / Q4_0 block bytes: d · q, d · (nibble − 8). */
export function decodeBlocks(format: 'q8_0' | 'q4_0', bytes: Uint8Array): number[] {
  const size = format === 'q8_0' ? 34 : 18;
  const out: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    const d = halfToNumber(bytes[offset]! | (bytes[offset + 1]! << 8));
    const values = new Array<number>(32);
    for (let j = 0; j < 32; j++) {
      if (format === 'q8_0') values[j] = f32(d * ((bytes[offset + 2 + j]! << 24) >> 24));
      else {
        const byte = bytes[offset + 2 + (j % 16)]!;
        values[j] = f32(d * ((j < 16 ? byte & 15 : byte >> 4) - 8));
      }
    }
    out.push(...values);
  }
  return out;
}

/** llama.cpp's x86 activation quantization of one row: per block d (f16-rounded) and q = round-half-even. */
export function quantizeActivations(x: ArrayLike<number>): { d: number[]; q: number[] } {
  const d: number[] = [];
  const q: number[] = [];
  for (let b = 0; b < x.length / 32; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]!));
    d.push(halfToNumber(numberToHalf(f32(amax / 127))));
    const id = amax ? f32(127 / amax) : 0;
    for (let j = 0; j < 32; j++) {
      const v = f32(x[b * 32 + j]! * id);
      const floor = Math.floor(v);
      const diff = v - floor;
      q.push(diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor);
    }
  }
  return { d, q };
}
