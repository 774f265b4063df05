// Dot products of one stored weight row with one x row (decoding) or four x rows sharing the weight's decode
// (prefill). Included by stored.c only.

// ---- float formats: x is float32 -------------------------------------------------------------------------

// Eight consecutive weights of a float-format row as two f32x4.
#define WIDEN8(format, row, j, lo, hi)                                  \
  if (format == FMT_F32) {                                              \
    lo = wasm_v128_load((const float *)(row) + (j));                    \
    hi = wasm_v128_load((const float *)(row) + (j) + 4);                \
  } else {                                                              \
    v128_t packed_ = wasm_v128_load((row) + (u32)(j) * 2);              \
    lo = format == FMT_BF16 ? bf16_lo(packed_) : f16_lo(packed_);       \
    hi = format == FMT_BF16 ? bf16_hi(packed_) : f16_hi(packed_);       \
  }

static inline float widen1(int format, const u8 *row, int j) {
  if (format == FMT_F32) return ((const float *)row)[j];
  u16 h = load_u16(row + (u32)j * 2);
  return format == FMT_BF16 ? float_of((u32)h << 16) : half_to_float(h);
}

static float dot1_float(int format, const u8 *row, const float *x, int cols) {
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
  int j = 0;
  for (; j + 16 <= cols; j += 16) {
    v128_t w0, w1, w2, w3;
    WIDEN8(format, row, j, w0, w1)
    WIDEN8(format, row, j + 8, w2, w3)
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(w0, wasm_v128_load(x + j)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(w1, wasm_v128_load(x + j + 4)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(w2, wasm_v128_load(x + j + 8)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(w3, wasm_v128_load(x + j + 12)));
  }
  float sum = hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
  for (; j < cols; j++) sum += widen1(format, row, j) * x[j];
  return sum;
}

static void dot4_float(int format, const u8 *row, const float *x0, const float *x1, const float *x2, const float *x3,
                       int cols, float *y, u32 y_stride, int tile) {
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
  int j = 0;
  for (; j + 8 <= cols; j += 8) {
    v128_t w0, w1;
    WIDEN8(format, row, j, w0, w1)
    s0 = wasm_f32x4_add(s0, wasm_f32x4_add(wasm_f32x4_mul(w0, wasm_v128_load(x0 + j)),
                                           wasm_f32x4_mul(w1, wasm_v128_load(x0 + j + 4))));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_add(wasm_f32x4_mul(w0, wasm_v128_load(x1 + j)),
                                           wasm_f32x4_mul(w1, wasm_v128_load(x1 + j + 4))));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_add(wasm_f32x4_mul(w0, wasm_v128_load(x2 + j)),
                                           wasm_f32x4_mul(w1, wasm_v128_load(x2 + j + 4))));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_add(wasm_f32x4_mul(w0, wasm_v128_load(x3 + j)),
                                           wasm_f32x4_mul(w1, wasm_v128_load(x3 + j + 4))));
  }
  float t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
  for (; j < cols; j++) {
    float w = widen1(format, row, j);
    t0 += w * x0[j];
    t1 += w * x1[j];
    t2 += w * x2[j];
    t3 += w * x3[j];
  }
  y[0] = t0;
  if (tile > 1) y[y_stride] = t1;
  if (tile > 2) y[2 * y_stride] = t2;
  if (tile > 3) y[3 * y_stride] = t3;
}

// ---- quantized formats: x is Q8 activation blocks -------------------------------------------------------

// Σ w[i]·a[i] over 16 int8 pairs, as four int32 lanes (each |product| ≤ 127 · 127, two summed in int16).
static inline v128_t dot16_i8(v128_t w, v128_t a) {
  return wasm_i32x4_extadd_pairwise_i16x8(
      wasm_i16x8_add(wasm_i16x8_extmul_low_i8x16(w, a), wasm_i16x8_extmul_high_i8x16(w, a)));
}

// acc += (block product, int32x4) · d_w · d_x
#define ACCUMULATE(acc, q0, q1, act, dw)                                                                   \
  acc = wasm_f32x4_add(                                                                                    \
      acc, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_add(dot16_i8(q0, wasm_v128_load((act) + 4)), \
                                                                  dot16_i8(q1, wasm_v128_load((act) + 20)))), \
                          wasm_f32x4_splat((dw) * *(const float *)(act))));

static float dot1_quant(int format, const u8 *row, const u8 *act, int cols) {
  u32 block_bytes = format == FMT_Q8_0 ? Q8_BYTES : Q4_BYTES;
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
  int blocks = cols / QK, b = 0;
  for (; b + 2 <= blocks; b += 2, row += 2 * block_bytes, act += 2 * ACT_BYTES) {
    v128_t q0, q1, r0, r1;
    float d0, d1;
    UNPACK_BLOCK(format, row, q0, q1, d0)
    UNPACK_BLOCK(format, row + block_bytes, r0, r1, d1)
    ACCUMULATE(s0, q0, q1, act, d0)
    ACCUMULATE(s1, r0, r1, act + ACT_BYTES, d1)
  }
  if (b < blocks) {
    v128_t q0, q1;
    float d0;
    UNPACK_BLOCK(format, row, q0, q1, d0)
    ACCUMULATE(s0, q0, q1, act, d0)
  }
  return hsum(wasm_f32x4_add(s0, s1));
}

static void dot4_quant(int format, const u8 *row, const u8 *a0, const u8 *a1, const u8 *a2, const u8 *a3, int cols,
                       float *y, u32 y_stride, int tile) {
  u32 block_bytes = format == FMT_Q8_0 ? Q8_BYTES : Q4_BYTES;
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
  for (int b = 0; b < cols / QK; b++, row += block_bytes) {
    v128_t q0, q1;
    float d;
    UNPACK_BLOCK(format, row, q0, q1, d)
    u32 offset = (u32)b * ACT_BYTES;
    ACCUMULATE(s0, q0, q1, a0 + offset, d)
    ACCUMULATE(s1, q0, q1, a1 + offset, d)
    ACCUMULATE(s2, q0, q1, a2 + offset, d)
    ACCUMULATE(s3, q0, q1, a3 + offset, d)
  }
  y[0] = hsum(s0);
  if (tile > 1) y[y_stride] = hsum(s1);
  if (tile > 2) y[2 * y_stride] = hsum(s2);
  if (tile > 3) y[3 * y_stride] = hsum(s3);
}

// y[i · y_stride] = dot(x row r + i, W row) for i < tile (1 to 4).
static void dot_tile(stored_job_t *job, const u8 *row, int r, int tile, float *y, u32 y_stride) {
  int format = job->format, cols = job->cols;
  int last = tile - 1;
  if (format == FMT_Q8_0 || format == FMT_Q4_0) {
    u32 act_stride = (u32)(cols / QK) * ACT_BYTES;
    const u8 *a = (const u8 *)job->xq + (u32)r * act_stride;
    if (tile == 1) {
      y[0] = dot1_quant(format, row, a, cols);
    } else {
      dot4_quant(format, row, a, a + (last < 1 ? last : 1) * act_stride, a + (last < 2 ? last : 2) * act_stride,
                 a + (u32)last * act_stride, cols, y, y_stride, tile);
    }
  } else {
    const float *x = (const float *)job->x + (u32)r * cols;
    if (tile == 1) {
      y[0] = dot1_float(format, row, x, cols);
    } else {
      dot4_float(format, row, x, x + (last < 1 ? last : 1) * cols, x + (last < 2 ? last : 2) * cols,
                 x + (u32)last * cols, cols, y, y_stride, tile);
    }
  }
}
