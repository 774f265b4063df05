/** Bytes per element of every safetensors dtype (readable or not), used to validate byte ranges. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** Dtypes that are read (widened to float32) and written. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';

/** True for the dtypes this package can convert to float32. */
export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

const scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 bits → float32, exactly (`f32 bits = bf16 bits << 16`). */
export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] << 16;
  return new Float32Array(out.buffer);
}

/** float32 → bfloat16 bits, round to nearest even (NaN stays NaN), as PyTorch does. */
export function f32ToBf16(values: Float32Array): Uint16Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const word = words[i];
    if ((word & 0x7fffffff) > 0x7f800000) {
      out[i] = (word >>> 16) | 0x40;
      continue;
    }
    const rounding = 0x7fff + ((word >>> 16) & 1);
    out[i] = ((word + rounding) >>> 16) & 0xffff;
  }
  return out;
}

/** IEEE half bits → float32 (subnormals, infinities and NaN included). */
export function f16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) out[i] = mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/** float32 → IEEE half bits, round to nearest even, overflow to infinity. */
export function f32ToF16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    scratch.setFloat32(0, values[i], true);
    const word = scratch.getUint32(0, true);
    const sign = (word >>> 16) & 0x8000;
    const exponent = (word >>> 23) & 0xff;
    let mantissa = word & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    let halfExponent = exponent - 127 + 15;
    if (halfExponent >= 31) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        out[i] = sign;
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - halfExponent;
      const half = mantissa >>> shift;
      const remainder = mantissa & ((1 << shift) - 1);
      const midpoint = 1 << (shift - 1);
      const roundUp = remainder > midpoint || (remainder === midpoint && (half & 1) === 1);
      out[i] = sign | (half + (roundUp ? 1 : 0));
      continue;
    }
    let half = (halfExponent << 10) | (mantissa >>> 13);
    const remainder = mantissa & 0x1fff;
    if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half += 1;
    if (half >= 0x7c00) halfExponent = 31;
    out[i] = sign | (halfExponent === 31 ? 0x7c00 : half);
  }
  return out;
}
