// LawGPT.js native f32 matMul: packing, micro-kernels (AVX-512 12×32, AVX2+FMA 6×16, portable 4×8), the blocked
// rectangle product and the matrix-vector loops. Included once by matmul.cc (inside its anonymous namespace).
#pragma once

constexpr int KC = 256;
constexpr int MC_ROWS = 144;
constexpr int NC = 4096;

struct Problem {
  const float *a, *b;
  float *c;
  int m, n, k;
  int a_rs, a_cs, b_rs, b_cs;
  int batch;
  const int32_t *a_offsets, *b_offsets;
};

// ---- packing (portable) ----------------------------------------------------------------------------

// Loops run along whichever dimension is contiguous in memory, so packing streams both layouts.
template <int NR>
void pack_b(const float *b, int b_rs, int b_cs, int kc, int nc, float *dst) {
  for (int j = 0; j < nc; j += NR) {
    int nr = std::min(NR, nc - j);
    const float *src = b + (size_t)j * b_cs;
    if (b_cs == 1) {
      for (int p = 0; p < kc; p++) {
        const float *row = src + (size_t)p * b_rs;
        for (int jj = 0; jj < nr; jj++) dst[p * NR + jj] = row[jj];
        for (int jj = nr; jj < NR; jj++) dst[p * NR + jj] = 0.0f;
      }
    } else {
      for (int jj = 0; jj < NR; jj++) {
        const float *col = src + (size_t)jj * b_cs;
        if (jj < nr)
          for (int p = 0; p < kc; p++) dst[p * NR + jj] = col[(size_t)p * b_rs];
        else
          for (int p = 0; p < kc; p++) dst[p * NR + jj] = 0.0f;
      }
    }
    dst += kc * NR;
  }
}

template <int MR>
void pack_a(const float *a, int a_rs, int a_cs, int mc, int kc, float *dst) {
  for (int i = 0; i < mc; i += MR) {
    int mr = std::min(MR, mc - i);
    if (a_cs == 1) {
      for (int ii = 0; ii < MR; ii++) {
        const float *row = a + (size_t)(i + ii) * a_rs;
        if (ii < mr)
          for (int p = 0; p < kc; p++) dst[p * MR + ii] = row[p];
        else
          for (int p = 0; p < kc; p++) dst[p * MR + ii] = 0.0f;
      }
    } else {
      for (int p = 0; p < kc; p++) {
        const float *col = a + (size_t)i * a_rs + (size_t)p * a_cs;
        for (int ii = 0; ii < mr; ii++) dst[p * MR + ii] = col[(size_t)ii * a_rs];
        for (int ii = mr; ii < MR; ii++) dst[p * MR + ii] = 0.0f;
      }
    }
    dst += kc * MR;
  }
}

// Writes a full MR×NR tile from `tile` into C (valid mr × nr), adding C's values when accumulating.
template <int MR, int NR>
void store_edge(const float *tile, float *c, int ldc, int mr, int nr, bool accumulate) {
  for (int r = 0; r < mr; r++)
    for (int j = 0; j < nr; j++) c[(size_t)r * ldc + j] = (accumulate ? c[(size_t)r * ldc + j] : 0.0f) + tile[r * NR + j];
}

// ---- micro-kernels ---------------------------------------------------------------------------------

template <int MR, int NR>
void kernel_generic(int kc, const float *pa, const float *pb, float *c, int ldc, int mr, int nr, bool accumulate) {
  float acc[MR][NR] = {};
  for (int p = 0; p < kc; p++, pa += MR, pb += NR)
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < NR; j++) acc[r][j] += pa[r] * pb[j];
  store_edge<MR, NR>(&acc[0][0], c, ldc, mr, nr, accumulate);
}

#ifdef LAWGPT_X86
template <int MR, int NR>
__attribute__((target("avx2,fma"))) void kernel_avx2(int kc, const float *pa, const float *pb, float *c, int ldc,
                                                      int mr, int nr, bool accumulate) {
  constexpr int V = NR / 8;
  __m256 acc[MR][V];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < V; v++) acc[r][v] = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++, pa += MR, pb += NR) {
    __m256 bv[V];
    for (int v = 0; v < V; v++) bv[v] = _mm256_loadu_ps(pb + 8 * v);
    for (int r = 0; r < MR; r++) {
      __m256 x = _mm256_broadcast_ss(pa + r);
      for (int v = 0; v < V; v++) acc[r][v] = _mm256_fmadd_ps(x, bv[v], acc[r][v]);
    }
  }
  if (mr == MR && nr == NR) {
    for (int r = 0; r < MR; r++)
      for (int v = 0; v < V; v++) {
        float *out = c + (size_t)r * ldc + 8 * v;
        _mm256_storeu_ps(out, accumulate ? _mm256_add_ps(acc[r][v], _mm256_loadu_ps(out)) : acc[r][v]);
      }
    return;
  }
  alignas(64) float tile[MR * NR];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < V; v++) _mm256_store_ps(tile + r * NR + 8 * v, acc[r][v]);
  store_edge<MR, NR>(tile, c, ldc, mr, nr, accumulate);
}

template <int MR, int NR>
__attribute__((target("avx512f"))) void kernel_avx512(int kc, const float *pa, const float *pb, float *c, int ldc,
                                                       int mr, int nr, bool accumulate) {
  constexpr int V = NR / 16;
  __m512 acc[MR][V];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < V; v++) acc[r][v] = _mm512_setzero_ps();
  for (int p = 0; p < kc; p++, pa += MR, pb += NR) {
    __m512 bv[V];
    for (int v = 0; v < V; v++) bv[v] = _mm512_loadu_ps(pb + 16 * v);
    for (int r = 0; r < MR; r++) {
      __m512 x = _mm512_set1_ps(pa[r]);
      for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(x, bv[v], acc[r][v]);
    }
  }
  if (mr == MR && nr == NR) {
    for (int r = 0; r < MR; r++)
      for (int v = 0; v < V; v++) {
        float *out = c + (size_t)r * ldc + 16 * v;
        _mm512_storeu_ps(out, accumulate ? _mm512_add_ps(acc[r][v], _mm512_loadu_ps(out)) : acc[r][v]);
      }
    return;
  }
  alignas(64) float tile[MR * NR];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < V; v++) _mm512_store_ps(tile + r * NR + 16 * v, acc[r][v]);
  store_edge<MR, NR>(tile, c, ldc, mr, nr, accumulate);
}
#endif

// ---- blocked rectangle -----------------------------------------------------------------------------

using Kernel = void (*)(int, const float *, const float *, float *, int, int, int, bool);

struct Scratch {
  std::vector<float> a, b;
};

template <int MR, int NR>
void gemm_rect(Kernel kernel, const float *a, int a_rs, int a_cs, const float *b, int b_rs, int b_cs, float *c,
               int ldc, int m, int n, int k, Scratch &scratch) {
  constexpr int MC = MC_ROWS / MR * MR;
  if (k == 0) {
    for (int i = 0; i < m; i++) std::fill(c + (size_t)i * ldc, c + (size_t)i * ldc + n, 0.0f);
    return;
  }
  scratch.a.resize((size_t)MC * KC);
  scratch.b.resize((size_t)(NC + NR) * KC);
  for (int jc = 0; jc < n; jc += NC) {
    int nc = std::min(NC, n - jc);
    for (int pc = 0; pc < k; pc += KC) {
      int kc = std::min(KC, k - pc);
      pack_b<NR>(b + (size_t)pc * b_rs + (size_t)jc * b_cs, b_rs, b_cs, kc, nc, scratch.b.data());
      for (int ic = 0; ic < m; ic += MC) {
        int mc = std::min(MC, m - ic);
        pack_a<MR>(a + (size_t)ic * a_rs + (size_t)pc * a_cs, a_rs, a_cs, mc, kc, scratch.a.data());
        for (int jr = 0; jr < nc; jr += NR) {
          const float *pb = scratch.b.data() + (size_t)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            kernel(kc, scratch.a.data() + (size_t)ir * kc, pb, c + (size_t)(ic + ir) * ldc + jc + jr, ldc,
                   std::min(MR, mc - ir), std::min(NR, nc - jr), pc > 0);
          }
        }
      }
    }
  }
}

// ---- matrix-vector (portable loops the compiler vectorises; memory-bound anyway) --------------------

#if defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && defined(LAWGPT_X86)
#define LAWGPT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LAWGPT_CLONES
#endif

// y(j0:j1) = Σ_{p0 ≤ p < p1} x[p] · W[p * w_rs + j] (rows contiguous): four rows per pass over y, so y stays in
// L1 and the rows stream once.
LAWGPT_CLONES void gemv_rows(const float *__restrict x, const float *__restrict w, size_t w_rs, int p0, int p1,
                             float *__restrict y, int j0, int j1) {
  for (int j = j0; j < j1; j++) y[j] = 0.0f;
  int p = p0;
  for (; p + 4 <= p1; p += 4) {
    const float *__restrict r0 = w + p * w_rs;
    const float *__restrict r1 = r0 + w_rs;
    const float *__restrict r2 = r1 + w_rs;
    const float *__restrict r3 = r2 + w_rs;
    const float x0 = x[p], x1 = x[p + 1], x2 = x[p + 2], x3 = x[p + 3];
    for (int j = j0; j < j1; j++) y[j] += (x0 * r0[j] + x1 * r1[j]) + (x2 * r2[j] + x3 * r3[j]);
  }
  for (; p < p1; p++) {
    const float *__restrict r0 = w + p * w_rs;
    for (int j = j0; j < j1; j++) y[j] += x[p] * r0[j];
  }
}

// y(j0:j1) = dot(x, W[j * w_cs : j * w_cs + k]) (columns contiguous): sixteen partial sums per dot product.
LAWGPT_CLONES void gemv_cols(const float *__restrict x, const float *__restrict w, size_t w_cs, int k,
                             float *__restrict y, int j0, int j1) {
  for (int j = j0; j < j1; j++) {
    const float *__restrict col = w + j * w_cs;
    float sums[16] = {};
    int p = 0;
    for (; p + 16 <= k; p += 16)
      for (int lane = 0; lane < 16; lane++) sums[lane] += x[p + lane] * col[p + lane];
    float s = 0;
    for (int lane = 0; lane < 16; lane++) s += sums[lane];
    for (; p < k; p++) s += x[p] * col[p];
    y[j] = s;
  }
}

void gemv(const float *x, const float *w, size_t w_rs, size_t w_cs, int k, float *y, int j0, int j1) {
  if (w_cs == 1) gemv_rows(x, w, w_rs, 0, k, y, j0, j1);
  else gemv_cols(x, w, w_cs, k, y, j0, j1);
}

