// LawGPT.js products with weights kept in their stored format, for WebAssembly SIMD128.
//
// A stored weight W is [rows, cols] row-major (nn.Linear's [out, in]) in one of five formats, named by their ggml
// type codes: F32, F16, BF16, and llama.cpp's Q8_0 and Q4_0 blocks of 32 values along a row:
//   Q8_0: f16 d, int8 q[32]            (34 bytes)  value = d · q
//   Q4_0: f16 d, uint8 qs[16]          (18 bytes)  value j = d · ((qs[j] & 15) − 8), value j+16 = d · ((qs[j] >> 4) − 8)
// Semantics, as llama.cpp's CPU backend computes them:
//   - F32 / F16 / BF16: y = x · Wᵀ in float32 with the weight widened exactly.
//   - Q8_0 / Q4_0: x is first quantized per block of 32 to int8 (d = amax / 127 rounded to f16, q = round-half-
//     even(x · 127 / amax)), then each block product is an exact integer sum scaled by d_w · d_x in float32.
//   - The transposed product (gradients) and every decode use the dequantized weight, d · q, in float32.
// Weights are quantized for storage as ggml's reference quantizers do (the "_ref" functions that write files), so
// a file we write holds the same blocks llama.cpp's tools would.
// Like matmul.c: no C stack, no static data; addresses are unsigned byte offsets (a memory may be 4 GiB).

#include <wasm_simd128.h>

#include "job.h"

#define EXPORT(name) __attribute__((export_name(#name)))
#define QK 32
#define Q8_BYTES 34
#define Q4_BYTES 18
#define ACT_BYTES 36         // activation block: float d (f16-rounded), int8 q[32]
#define UNIT_ROWS 16         // weight rows per unit of a direct product
#define BLOCK_ROWS 64        // weight rows (or columns of the transposed product) dequantized per GEMM unit
#define GEMM_MIN_COUNT 8     // float-format products with at least this many x rows go through gemm_rect

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

int scratch_floats(void);

// ---- scalar conversions ------------------------------------------------------------------------------

static inline u32 bits_of(float f) { return __builtin_bit_cast(u32, f); }
static inline float float_of(u32 u) { return __builtin_bit_cast(float, u); }

// IEEE half → float, exact (subnormals scaled by 2^112, which is exact; infinities and NaN kept).
static inline float half_to_float(u16 h) {
  u32 magnitude = (u32)(h & 0x7fff) << 13;
  float f = (h & 0x7c00) == 0x7c00 ? float_of(magnitude | 0x7f800000) : float_of(magnitude) * 0x1p112f;
  return (h & 0x8000) ? -f : f;
}

// float → IEEE half, round to nearest even (as F16C's vcvtps2ph with mode 0 and ggml's reference conversion).
static inline u16 float_to_half(float f) {
  u32 w = bits_of(f), sign = (w >> 16) & 0x8000, a = w & 0x7fffffff;
  if (a > 0x7f800000) return (u16)(sign | 0x7e00);
  if (a >= 0x477ff000) return (u16)(sign | 0x7c00);  // ≥ 65520 rounds to infinity
  // Below 2^-14 the half is subnormal: adding 0.5 leaves the value in units of 2^-24, rounded to even.
  if (a < 0x38800000) return (u16)(sign | (bits_of(float_of(a) + 0.5f) - 0x3f000000));
  a += 0xfff + ((a >> 13) & 1);
  return (u16)(sign | ((a - 0x38000000) >> 13));
}

// float → bfloat16, round to nearest even, NaN kept quiet (as PyTorch).
static inline u16 float_to_bf16(float f) {
  u32 w = bits_of(f);
  if ((w & 0x7fffffff) > 0x7f800000) return (u16)((w >> 16) | 0x40);
  return (u16)((w + 0x7fff + ((w >> 16) & 1)) >> 16);
}

static inline u16 load_u16(const u8 *p) { return (u16)(p[0] | (p[1] << 8)); }
static inline void store_u16(u8 *p, u16 v) {
  p[0] = (u8)v;
  p[1] = (u8)(v >> 8);
}

static inline float max_of(float a, float b) { return a > b ? a : b; }

// roundf: half away from zero.
static inline float round_away(float v) {
  float t = __builtin_truncf(v);
  if (__builtin_fabsf(v - t) >= 0.5f) t += v > 0 ? 1.0f : -1.0f;
  return t;
}

EXPORT(row_bytes) u32 row_bytes(int format, int cols) {
  switch (format) {
    case FMT_F32: return (u32)cols * 4;
    case FMT_F16:
    case FMT_BF16: return (u32)cols * 2;
    case FMT_Q8_0: return (u32)(cols / QK) * Q8_BYTES;
    case FMT_Q4_0: return (u32)(cols / QK) * Q4_BYTES;
    default: return 0;
  }
}

// ---- SIMD widening of 8 stored values to two f32x4 ----------------------------------------------------

static inline v128_t bf16_lo(v128_t v) { return wasm_i32x4_shl(wasm_u32x4_extend_low_u16x8(v), 16); }
static inline v128_t bf16_hi(v128_t v) { return wasm_i32x4_shl(wasm_u32x4_extend_high_u16x8(v), 16); }

// Halves sign-extended to 32 bits: bits 0–14 go to the float's exponent/mantissa (scaled by 2^112), the
// replicated sign to bit 31. Exact for finite halves (stored weights are checked finite when written).
static inline v128_t half4(v128_t t) {
  v128_t magnitude = wasm_v128_and(wasm_i32x4_shl(t, 13), wasm_i32x4_splat(0x0fffe000));
  v128_t scaled = wasm_f32x4_mul(magnitude, wasm_f32x4_splat(0x1p112f));
  return wasm_v128_or(scaled, wasm_v128_and(t, wasm_i32x4_splat((int)0x80000000)));
}
static inline v128_t f16_lo(v128_t v) { return half4(wasm_i32x4_extend_low_i16x8(v)); }
static inline v128_t f16_hi(v128_t v) { return half4(wasm_i32x4_extend_high_i16x8(v)); }

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// One block's 32 weights as two int8x16 (values 0–15 and 16–31) and its scale.
#define UNPACK_BLOCK(format, block, q0, q1, d)                                              \
  if (format == FMT_Q8_0) {                                                                 \
    q0 = wasm_v128_load((block) + 2);                                                       \
    q1 = wasm_v128_load((block) + 18);                                                      \
  } else {                                                                                  \
    v128_t qs_ = wasm_v128_load((block) + 2);                                               \
    q0 = wasm_i8x16_sub(wasm_v128_and(qs_, wasm_i8x16_splat(15)), wasm_i8x16_splat(8));     \
    q1 = wasm_i8x16_sub(wasm_u8x16_shr(qs_, 4), wasm_i8x16_splat(8));                       \
  }                                                                                         \
  d = half_to_float(load_u16(block));

// dst[0 : 16] = scale · q (16 int8 values).
static inline void store16(float *dst, v128_t q, v128_t scale) {
  v128_t lo = wasm_i16x8_extend_low_i8x16(q), hi = wasm_i16x8_extend_high_i8x16(q);
  wasm_v128_store(dst, wasm_f32x4_mul(scale, wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(lo))));
  wasm_v128_store(dst + 4, wasm_f32x4_mul(scale, wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(lo))));
  wasm_v128_store(dst + 8, wasm_f32x4_mul(scale, wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(hi))));
  wasm_v128_store(dst + 12, wasm_f32x4_mul(scale, wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(hi))));
}

// ---- decoding rows to float32 --------------------------------------------------------------------------

// dst[0 : count] = W row `row` values [c0, c0 + count); for Q8_0 / Q4_0, c0 and count are multiples of 32.
static void decode_range(int format, const u8 *row, int c0, int count, float *dst) {
  int j = 0;
  if (format == FMT_F32) {
    const float *src = (const float *)row + c0;
    for (; j + 4 <= count; j += 4) wasm_v128_store(dst + j, wasm_v128_load(src + j));
    for (; j < count; j++) dst[j] = src[j];
  } else if (format == FMT_BF16 || format == FMT_F16) {
    const u8 *src = row + (u32)c0 * 2;
    for (; j + 8 <= count; j += 8) {
      v128_t v = wasm_v128_load(src + j * 2);
      wasm_v128_store(dst + j, format == FMT_BF16 ? bf16_lo(v) : f16_lo(v));
      wasm_v128_store(dst + j + 4, format == FMT_BF16 ? bf16_hi(v) : f16_hi(v));
    }
    for (; j < count; j++) {
      u16 h = load_u16(src + j * 2);
      dst[j] = format == FMT_BF16 ? float_of((u32)h << 16) : half_to_float(h);
    }
  } else if (format == FMT_Q8_0 || format == FMT_Q4_0) {
    u32 block_bytes = format == FMT_Q8_0 ? Q8_BYTES : Q4_BYTES;
    const u8 *block = row + (u32)(c0 / QK) * block_bytes;
    for (; j < count; j += QK, block += block_bytes) {
      v128_t q0, q1;
      float d;
      UNPACK_BLOCK(format, block, q0, q1, d)
      v128_t scale = wasm_f32x4_splat(d);
      store16(dst + j, q0, scale);
      store16(dst + j + 16, q1, scale);
    }
  }
}

// ---- encoding float32 rows (the reference quantizers) -------------------------------------------------

static void encode_row(int format, const float *x, int cols, u8 *dst) {
  if (format == FMT_F32) {
    float *out = (float *)dst;
    for (int j = 0; j < cols; j++) out[j] = x[j];
  } else if (format == FMT_F16 || format == FMT_BF16) {
    for (int j = 0; j < cols; j++) store_u16(dst + 2 * j, format == FMT_F16 ? float_to_half(x[j]) : float_to_bf16(x[j]));
  } else if (format == FMT_Q8_0) {
    for (int b = 0; b < cols / QK; b++, x += QK, dst += Q8_BYTES) {
      float amax = 0.0f;
      for (int j = 0; j < QK; j++) amax = max_of(amax, __builtin_fabsf(x[j]));
      float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
      store_u16(dst, float_to_half(d));
      for (int j = 0; j < QK; j++) dst[2 + j] = (u8)(signed char)(int)round_away(x[j] * id);
    }
  } else if (format == FMT_Q4_0) {
    for (int b = 0; b < cols / QK; b++, x += QK, dst += Q4_BYTES) {
      float amax = 0.0f, max = 0.0f;
      for (int j = 0; j < QK; j++) {
        if (amax < __builtin_fabsf(x[j])) {
          amax = __builtin_fabsf(x[j]);
          max = x[j];
        }
      }
      float d = max / -8.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
      store_u16(dst, float_to_half(d));
      for (int j = 0; j < QK / 2; j++) {
        int lo = (int)(signed char)(int)(x[j] * id + 8.5f), hi = (int)(signed char)(int)(x[j + QK / 2] * id + 8.5f);
        dst[2 + j] = (u8)((lo < 15 ? lo : 15) | ((hi < 15 ? hi : 15) << 4));
      }
    }
  }
}

// Activations as llama.cpp's x86 quantize_row_q8_0 makes them: amax over the block, d = amax / 127 stored as
// f16 (kept here widened), q = round-half-even(x · (127 / amax)).
EXPORT(quantize_activations) void quantize_activations(const float *x, int count, int cols, u8 *dst) {
  for (int r = 0; r < count; r++) {
    for (int b = 0; b < cols / QK; b++, x += QK, dst += ACT_BYTES) {
      v128_t m = wasm_f32x4_splat(0.0f);
      for (int j = 0; j < QK; j += 4) m = wasm_f32x4_pmax(m, wasm_f32x4_abs(wasm_v128_load(x + j)));
      float amax = max_of(max_of(wasm_f32x4_extract_lane(m, 0), wasm_f32x4_extract_lane(m, 1)),
                          max_of(wasm_f32x4_extract_lane(m, 2), wasm_f32x4_extract_lane(m, 3)));
      *(float *)dst = half_to_float(float_to_half(amax / 127.0f));
      v128_t id = wasm_f32x4_splat(amax != 0.0f ? 127.0f / amax : 0.0f);
      for (int j = 0; j < QK; j += 8) {
        v128_t a = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(wasm_f32x4_mul(wasm_v128_load(x + j), id)));
        v128_t b = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(wasm_f32x4_mul(wasm_v128_load(x + j + 4), id)));
        v128_t s16 = wasm_i16x8_narrow_i32x4(a, b);
        wasm_v128_store64_lane(dst + 4 + j, wasm_i8x16_narrow_i16x8(s16, s16), 0);
      }
    }
  }
}

// dst = rows [r0, r0 + count) of W decoded (whole rows), for gathers and reads.
EXPORT(decode_rows) void decode_rows(int format, const u8 *w, int cols, int r0, int count, float *dst) {
  u32 stride = row_bytes(format, cols);
  for (int r = 0; r < count; r++) decode_range(format, w + (u32)(r0 + r) * stride, 0, cols, dst + (u32)r * cols);
}

// rows of f32 `x` → `format` at dst (one thread; the conversion job does it on all threads).
EXPORT(encode_rows) void encode_rows(int format, const float *x, int count, int cols, u8 *dst) {
  u32 stride = row_bytes(format, cols);
  for (int r = 0; r < count; r++) encode_row(format, x + (u32)r * cols, cols, dst + (u32)r * stride);
}

#include "stored-dot.h"

// ---- job runners -----------------------------------------------------------------------------------------

static int claim(stored_job_t *job) { return __atomic_fetch_add(&job->next_unit, 1, __ATOMIC_RELAXED); }

// y rows = x · Wᵀ by direct dot products, x rows four at a time. About DIRECT_UNITS units of consecutive weight
// rows (a multiple of UNIT_ROWS each): every thread reads long sequential runs of the weight.
#define DIRECT_UNITS 32
static void matmul_direct(stored_job_t *job) {
  int rows = job->rows, cols = job->cols, count = job->count;
  int unit_rows = ((rows + DIRECT_UNITS - 1) / DIRECT_UNITS + UNIT_ROWS - 1) / UNIT_ROWS * UNIT_ROWS;
  int units = (rows + unit_rows - 1) / unit_rows;
  u32 stride = row_bytes(job->format, cols);
  const u8 *w = (const u8 *)job->w;
  float *y = (float *)job->y;
  for (int u = claim(job); u < units; u = claim(job)) {
    int o1 = (u + 1) * unit_rows < rows ? (u + 1) * unit_rows : rows;
    for (int o = u * unit_rows; o < o1; o++) {
      const u8 *row = w + (u32)o * stride;
      for (int r = 0; r < count; r += 4) {
        int tile = count - r < 4 ? count - r : 4;
        dot_tile(job, row, r, tile, y + (u32)r * rows + o, rows);
      }
    }
  }
}

// y = x · Wᵀ for float formats with many x rows: BLOCK_ROWS weight rows widened into scratch, then gemm_rect.
static void matmul_blocked(stored_job_t *job, u8 *scratch) {
  int rows = job->rows, cols = job->cols, units = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
  u32 stride = row_bytes(job->format, cols);
  float *gemm_scratch = (float *)scratch, *block = gemm_scratch + scratch_floats();
  for (int u = claim(job); u < units; u = claim(job)) {
    int o0 = u * BLOCK_ROWS, n = rows - o0 < BLOCK_ROWS ? rows - o0 : BLOCK_ROWS;
    for (int i = 0; i < n; i++) decode_range(job->format, (const u8 *)job->w + (u32)(o0 + i) * stride, 0, cols, block + (u32)i * cols);
    // A = x [count, cols]; B(k, j) = block[j][k] (B transposed); C = y[:, o0 : o0 + n].
    gemm_rect((const float *)job->x, cols, 1, block, 1, cols, (float *)job->y + o0, rows, job->count, n, cols,
              gemm_scratch);
  }
}

// dx = dy · W: each unit owns BLOCK_ROWS columns of dx; W's columns [c0, c0 + n) of every row are widened
// into scratch ([rows][n]) and multiplied with gemm_rect (k = rows).
static void matmul_transposed(stored_job_t *job, u8 *scratch) {
  int rows = job->rows, cols = job->cols, units = (cols + BLOCK_ROWS - 1) / BLOCK_ROWS;
  u32 stride = row_bytes(job->format, cols);
  float *gemm_scratch = (float *)scratch, *block = gemm_scratch + scratch_floats();
  for (int u = claim(job); u < units; u = claim(job)) {
    int c0 = u * BLOCK_ROWS, n = cols - c0 < BLOCK_ROWS ? cols - c0 : BLOCK_ROWS;
    for (int o = 0; o < rows; o++) decode_range(job->format, (const u8 *)job->w + (u32)o * stride, c0, n, block + (u32)o * n);
    gemm_rect((const float *)job->x, rows, 1, block, n, 1, (float *)job->y + c0, cols, job->count, n, rows,
              gemm_scratch);
  }
}

// Infinite or NaN values (or block scales) in one stored row, read from the bits.
static int count_nonfinite(int format, const u8 *row, int cols) {
  int found = 0;
  if (format == FMT_F32) {
    for (int j = 0; j < cols; j++) found += (((const u32 *)row)[j] & 0x7f800000) == 0x7f800000;
  } else if (format == FMT_F16 || format == FMT_BF16) {
    u16 mask = format == FMT_F16 ? 0x7c00 : 0x7f80;
    for (int j = 0; j < cols; j++) found += (load_u16(row + 2 * j) & mask) == mask;
  } else {
    u32 block_bytes = format == FMT_Q8_0 ? Q8_BYTES : Q4_BYTES;
    for (int b = 0; b < cols / QK; b++) found += (load_u16(row + b * block_bytes) & 0x7c00) == 0x7c00;
  }
  return found;
}

// Rows of the source format → the destination format, UNIT_ROWS rows per unit; counts non-finite source values
// into `count` (the job's only output besides the rows).
static void convert(stored_job_t *job, u8 *scratch) {
  int rows = job->rows, cols = job->cols, units = (rows + UNIT_ROWS - 1) / UNIT_ROWS;
  u32 in_stride = row_bytes(job->source_format, cols), out_stride = row_bytes(job->format, cols);
  float *values = (float *)scratch;
  int nonfinite = 0;
  for (int u = claim(job); u < units; u = claim(job)) {
    int r1 = (u + 1) * UNIT_ROWS < rows ? (u + 1) * UNIT_ROWS : rows;
    for (int r = u * UNIT_ROWS; r < r1; r++) {
      const u8 *src = (const u8 *)job->x + (u32)r * in_stride;
      u8 *dst = (u8 *)job->w + (u32)r * out_stride;
      nonfinite += count_nonfinite(job->source_format, src, cols);
      if (job->source_format == job->format) {
        for (u32 b = 0; b < out_stride; b++) dst[b] = src[b];
      } else {
        decode_range(job->source_format, src, 0, cols, values);
        encode_row(job->format, values, cols, dst);
      }
    }
  }
  if (nonfinite) __atomic_fetch_add(&job->count, nonfinite, __ATOMIC_RELAXED);
}

void run_stored_job(stored_job_t *job, int thread) {
  if (job->kind == JOB_ATTENTION) {
    run_attention_job((attention_job_t *)job, thread);
    return;
  }
  u8 *scratch = (u8 *)job->scratch + (u32)thread * job->scratch_bytes;
  int quantized = job->format == FMT_Q8_0 || job->format == FMT_Q4_0;
  if (job->kind == JOB_STORED_MATMUL) {
    if (!quantized && job->count >= GEMM_MIN_COUNT) matmul_blocked(job, scratch);
    else matmul_direct(job);
  } else if (job->kind == JOB_STORED_MATMUL_T) {
    matmul_transposed(job, scratch);
  } else if (job->kind == JOB_CONVERT) {
    convert(job, scratch);
  }
}
