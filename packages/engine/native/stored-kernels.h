// LawGPT.js native products with stored weights (F32, F16, BF16, Q8_0, Q4_0): the semantics of csrc/stored.c
// (see there), with AVX2 + FMA + F16C dot products picked at run time and portable ones elsewhere. Prefill and
// gradient products widen blocks of the weight and reuse the f32 GEMM of matmul-kernels.h. Included once by
// matmul.cc (inside its anonymous namespace), after matmul-kernels.h.
#pragma once



constexpr int FMT_F32 = 0, FMT_F16 = 1, FMT_Q4_0 = 2, FMT_Q8_0 = 8, FMT_BF16 = 30;
constexpr int QK = 32, Q8_BYTES = 34, Q4_BYTES = 18, ACT_BYTES = 36;

inline uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline float half_to_float(uint16_t h) {
  uint32_t magnitude = (uint32_t)(h & 0x7fff) << 13;
  float f = (h & 0x7c00) == 0x7c00 ? float_of(magnitude | 0x7f800000) : float_of(magnitude) * 0x1p112f;
  return (h & 0x8000) ? -f : f;
}

// Round to nearest even, as csrc/stored.c.
inline uint16_t float_to_half(float f) {
  uint32_t w = bits_of(f), sign = (w >> 16) & 0x8000, a = w & 0x7fffffff;
  if (a > 0x7f800000) return (uint16_t)(sign | 0x7e00);
  if (a >= 0x477ff000) return (uint16_t)(sign | 0x7c00);
  if (a < 0x38800000) {
    volatile float shifted = float_of(a) + 0.5f;  // keep the float add (no excess precision)
    return (uint16_t)(sign | (bits_of(shifted) - 0x3f000000));
  }
  a += 0xfff + ((a >> 13) & 1);
  return (uint16_t)(sign | ((a - 0x38000000) >> 13));
}

inline uint16_t load_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

inline size_t stored_row_bytes(int format, int cols) {
  switch (format) {
    case FMT_F32: return (size_t)cols * 4;
    case FMT_F16:
    case FMT_BF16: return (size_t)cols * 2;
    case FMT_Q8_0: return (size_t)(cols / QK) * Q8_BYTES;
    case FMT_Q4_0: return (size_t)(cols / QK) * Q4_BYTES;
    default: return 0;
  }
}

// llama.cpp's x86 activation quantization, bit for bit as csrc/stored.c: d = f16(amax / 127) kept widened,
// q = round-half-even(x · (127 / amax)).
inline void quantize_activations(const float *x, int cols, uint8_t *dst) {
  for (int b = 0; b < cols / QK; b++, x += QK, dst += ACT_BYTES) {
    float amax = 0.0f;
    for (int j = 0; j < QK; j++) amax = std::fabs(x[j]) > amax ? std::fabs(x[j]) : amax;
    float d = half_to_float(float_to_half(amax / 127.0f));
    std::memcpy(dst, &d, 4);
    float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    for (int j = 0; j < QK; j++) dst[4 + j] = (uint8_t)(int8_t)(int)std::nearbyint(x[j] * id);
  }
}

// ---- decoding to float32 -----------------------------------------------------------------------------

inline void decode_range(int format, const uint8_t *row, int c0, int count, float *dst) {
  if (format == FMT_F32) {
    std::memcpy(dst, row + (size_t)c0 * 4, (size_t)count * 4);
  } else if (format == FMT_BF16) {
    for (int j = 0; j < count; j++) dst[j] = float_of((uint32_t)load_u16(row + 2 * ((size_t)c0 + j)) << 16);
  } else if (format == FMT_F16) {
    for (int j = 0; j < count; j++) dst[j] = half_to_float(load_u16(row + 2 * ((size_t)c0 + j)));
  } else if (format == FMT_Q8_0) {
    const uint8_t *block = row + (size_t)(c0 / QK) * Q8_BYTES;
    for (int j = 0; j < count; j += QK, block += Q8_BYTES) {
      float d = half_to_float(load_u16(block));
      for (int i = 0; i < QK; i++) dst[j + i] = d * (float)(int8_t)block[2 + i];
    }
  } else if (format == FMT_Q4_0) {
    const uint8_t *block = row + (size_t)(c0 / QK) * Q4_BYTES;
    for (int j = 0; j < count; j += QK, block += Q4_BYTES) {
      float d = half_to_float(load_u16(block));
      for (int i = 0; i < 16; i++) {
        dst[j + i] = d * (float)((block[2 + i] & 15) - 8);
        dst[j + i + 16] = d * (float)((block[2 + i] >> 4) - 8);
      }
    }
  }
}

// ---- dot products: portable ---------------------------------------------------------------------------

inline float dot_float_generic(int format, const uint8_t *row, const float *x, int cols) {
  float s[8] = {0};
  for (int j = 0; j < cols; j++) {
    float w;
    if (format == FMT_F32) std::memcpy(&w, row + 4 * (size_t)j, 4);
    else if (format == FMT_BF16) w = float_of((uint32_t)load_u16(row + 2 * (size_t)j) << 16);
    else w = half_to_float(load_u16(row + 2 * (size_t)j));
    s[j & 7] += w * x[j];
  }
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

inline float dot_quant_generic(int format, const uint8_t *row, const uint8_t *act, int cols) {
  float sum = 0.0f;
  int block_bytes = format == FMT_Q8_0 ? Q8_BYTES : Q4_BYTES;
  for (int b = 0; b < cols / QK; b++, row += block_bytes, act += ACT_BYTES) {
    int isum = 0;
    for (int i = 0; i < QK; i++) {
      int w = format == FMT_Q8_0 ? (int8_t)row[2 + i] : ((i < 16 ? row[2 + i] & 15 : row[2 + i - 16] >> 4) - 8);
      isum += w * (int8_t)act[4 + i];
    }
    float dx;
    std::memcpy(&dx, act, 4);
    sum += (half_to_float(load_u16(row)) * dx) * (float)isum;
  }
  return sum;
}

// ---- dot products: AVX2 + FMA + F16C ------------------------------------------------------------------

#ifdef LAWGPT_X86
__attribute__((target("avx2,fma,f16c"))) inline float hsum256(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma,f16c"))) inline __m256 widen8(int format, const uint8_t *row, int j) {
  if (format == FMT_F32) return _mm256_loadu_ps((const float *)(row + 4 * (size_t)j));
  __m128i h = _mm_loadu_si128((const __m128i *)(row + 2 * (size_t)j));
  if (format == FMT_F16) return _mm256_cvtph_ps(h);
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

__attribute__((target("avx2,fma,f16c"))) float dot_float_avx2(int format, const uint8_t *row, const float *x, int cols) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  int j = 0;
  for (; j + 32 <= cols; j += 32) {
    s0 = _mm256_fmadd_ps(widen8(format, row, j), _mm256_loadu_ps(x + j), s0);
    s1 = _mm256_fmadd_ps(widen8(format, row, j + 8), _mm256_loadu_ps(x + j + 8), s1);
    s2 = _mm256_fmadd_ps(widen8(format, row, j + 16), _mm256_loadu_ps(x + j + 16), s2);
    s3 = _mm256_fmadd_ps(widen8(format, row, j + 24), _mm256_loadu_ps(x + j + 24), s3);
  }
  for (; j + 8 <= cols; j += 8) s0 = _mm256_fmadd_ps(widen8(format, row, j), _mm256_loadu_ps(x + j), s0);
  float sum = hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  return sum + (j < cols ? dot_float_generic(format, row + (format == FMT_F32 ? 4 : 2) * (size_t)j, x + j, cols - j) : 0.0f);
}

// 32 weights of a block as int8: Q8_0 as stored, Q4_0 nibbles minus 8 (values 0–15 low half, 16–31 high half).
__attribute__((target("avx2,fma,f16c"))) inline __m256i block_weights(int format, const uint8_t *block) {
  if (format == FMT_Q8_0) return _mm256_loadu_si256((const __m256i *)(block + 2));
  __m128i qs = _mm_loadu_si128((const __m128i *)(block + 2));
  __m256i both = _mm256_set_m128i(_mm_srli_epi16(qs, 4), qs);
  return _mm256_sub_epi8(_mm256_and_si256(both, _mm256_set1_epi8(15)), _mm256_set1_epi8(8));
}

// y[r][o] for R x rows × O weight rows sharing loads: per block and pair, the exact integer sum (|w| · sign(a, w)
// in unsigned × signed byte pairs — |products| ≤ 127 · 127, no saturation — summed to int32), converted and added
// with one FMA to the pair's accumulator. Every R × O shape runs these same operations per pair, so a decode step
// (R = 1) and a prefill (R = 4) give bit-identical results for the same row.
// Tiles of several weight rows prefetch the weight bytes ahead of the block being read (the hardware prefetcher
// alone kept one thread at 8 GB/s on two interleaved rows). A decode step (R = 1) reads one weight row at a time
// instead, a single sequential stream the hardware prefetcher follows: 22–24 GB/s on one thread here against
// 10–12 GB/s for pairs of rows with prefetching, which is the machine's read bandwidth.
constexpr int PREFETCH_BYTES = 4096;

// One body, two instruction sets: the pair sum is maddubs + madd (AVX2) or one dpbusd (AVX-512 VNNI, 256-bit
// form). Both give the same exact int32 sums (maddubs cannot saturate: |products| ≤ 127 · 127 · 2 < 2¹⁵), so
// the results are bit-identical on every CPU; VNNI only issues fewer operations per block.
#define LAWGPT_QUANT_KERNELS(SUFFIX, TARGET, PAIR_SUMS)                                                          \
  template <int R, int O>                                                                                       \
  __attribute__((target(TARGET))) void quant_tile_##SUFFIX(int format, const uint8_t *const *rows,            \
                                                           const uint8_t *const *acts, int blocks, float *y,    \
                                                           size_t y_stride) {                                   \
    const int block_bytes = format == FMT_Q8_0 ? Q8_BYTES : Q4_BYTES;                                           \
    const __m256i ones = _mm256_set1_epi16(1);                                                                  \
    (void)ones;                                                                                                 \
    __m256 acc[R][O];                                                                                           \
    for (int r = 0; r < R; r++)                                                                                 \
      for (int o = 0; o < O; o++) acc[r][o] = _mm256_setzero_ps();                                              \
    for (int b = 0; b < blocks; b++) {                                                                          \
      __m256i w[O], magnitude[O];                                                                               \
      float dw[O];                                                                                              \
      for (int o = 0; o < O; o++) {                                                                             \
        const uint8_t *block = rows[o] + (size_t)b * block_bytes;                                               \
        if (R * O > 1) _mm_prefetch((const char *)(block + PREFETCH_BYTES), _MM_HINT_T0);                       \
        w[o] = block_weights(format, block);                                                                    \
        magnitude[o] = _mm256_sign_epi8(w[o], w[o]);                                                            \
        dw[o] = _cvtsh_ss(load_u16(block));                                                                     \
      }                                                                                                         \
      for (int r = 0; r < R; r++) {                                                                             \
        const uint8_t *act = acts[r] + (size_t)b * ACT_BYTES;                                                   \
        __m256i a = _mm256_loadu_si256((const __m256i *)(act + 4));                                             \
        float dx;                                                                                               \
        std::memcpy(&dx, act, 4);                                                                               \
        for (int o = 0; o < O; o++) {                                                                           \
          __m256i signed_a = _mm256_sign_epi8(a, w[o]);                                                         \
          __m256 sums = _mm256_cvtepi32_ps(PAIR_SUMS(magnitude[o], signed_a));                                  \
          acc[r][o] = _mm256_fmadd_ps(sums, _mm256_set1_ps(dw[o] * dx), acc[r][o]);                             \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
    for (int r = 0; r < R; r++)                                                                                 \
      for (int o = 0; o < O; o++) y[r * y_stride + o] = hsum256(acc[r][o]);                                     \
  }                                                                                                             \
                                                                                                                \
  /* y[r · y_stride + o] for count x rows × n weight rows (n ≤ 4): tiles of 4 x rows by 2 / 1, then 1 by 1. */ \
  __attribute__((target(TARGET))) void quant_rows_##SUFFIX(int format, const uint8_t *const *rows, int n,      \
                                                           const uint8_t *const *acts, int count, int cols,     \
                                                           float *y, size_t y_stride) {                         \
    const int blocks = cols / QK;                                                                               \
    for (int o = 0; o < n; o += 2) {                                                                            \
      const bool pair = o + 1 < n;                                                                              \
      for (int r = 0; r + 4 <= count; r += 4) {                                                                 \
        float *out = y + r * y_stride + o;                                                                      \
        if (pair) quant_tile_##SUFFIX<4, 2>(format, rows + o, acts + r, blocks, out, y_stride);                 \
        else quant_tile_##SUFFIX<4, 1>(format, rows + o, acts + r, blocks, out, y_stride);                      \
      }                                                                                                         \
    }                                                                                                           \
    /* x rows left over (all of them when decoding): one weight row at a time, a single sequential stream */   \
    for (int r = count - count % 4; r < count; r++)                                                             \
      for (int o = 0; o < n; o++)                                                                               \
        quant_tile_##SUFFIX<1, 1>(format, rows + o, acts + r, blocks, y + r * y_stride + o, y_stride);          \
  }

#define LAWGPT_PAIR_SUMS_AVX2(magnitude, signed_a) _mm256_madd_epi16(_mm256_maddubs_epi16(magnitude, signed_a), ones)
#define LAWGPT_PAIR_SUMS_VNNI(magnitude, signed_a) _mm256_dpbusd_epi32(_mm256_setzero_si256(), magnitude, signed_a)
LAWGPT_QUANT_KERNELS(avx2, "avx2,fma,f16c", LAWGPT_PAIR_SUMS_AVX2)
LAWGPT_QUANT_KERNELS(vnni, "avx2,fma,f16c,avx512vnni,avx512vl", LAWGPT_PAIR_SUMS_VNNI)
#endif

using FloatDot = float (*)(int, const uint8_t *, const float *, int);
using QuantRows = void (*)(int, const uint8_t *const *, int, const uint8_t *const *, int, int, float *, size_t);

// Portable: one pair at a time, the same function for every shape.
inline void quant_rows_generic(int format, const uint8_t *const *rows, int n, const uint8_t *const *acts, int count,
                               int cols, float *y, size_t y_stride) {
  for (int r = 0; r < count; r++)
    for (int o = 0; o < n; o++) y[r * y_stride + o] = dot_quant_generic(format, rows[o], acts[r], cols);
}

struct StoredIsa {
  FloatDot dot_float;
  QuantRows quant_rows;
};

inline StoredIsa select_stored_isa() {
#ifdef LAWGPT_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
    const bool vnni = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") &&
                      std::getenv("LAWGPT_NO_VNNI") == nullptr;
    return {dot_float_avx2, vnni ? quant_rows_vnni : quant_rows_avx2};
  }
#endif
  return {dot_float_generic, quant_rows_generic};
}
