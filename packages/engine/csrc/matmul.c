// LawGPT.js f32 matrix multiplication for WebAssembly SIMD128.
//
// C[batch][M][N] = A[batch] · B[batch], every operand addressed through element strides so that all four
// transpose combinations and broadcast batches share one code path.
//
// Design (BLIS-style):
//   jc loop over N in NC columns → pc loop over K in KC → pack B block [NC/NR][KC][NR]
//   → ic loop over M in MC rows → pack A block [MC/MR][KC][MR] → MR×NR micro-kernel (4×8: 8 f32x4 accumulators;
//   6×8 is compiled in with -DMR=6 -DMC=120 but V8 spills on x86-64 and it measured 35% slower).
// Packing transposes 4×4 blocks with SIMD shuffles where the source runs the other way (A untransposed, B
// transposed): a product split into units packs its shared operand once per unit, and scalar packing cost
// 10–25% of a split product (measured on 1024×512×1408 in 8 units).
// Rows with M == 1 (decode) or N == 1 take a matrix-vector path that streams the matrix once.
//
// The code never touches the C stack or static data: every buffer is passed in by the caller, so the same
// source links into a module that runs on a foreign (tfjs-owned) memory and one that runs on a shared memory
// from several worker threads.

#include <wasm_simd128.h>

#ifndef MR
#define MR 4
#endif
#define NR 8
#define KC 256
#ifndef MC
#define MC 128
#endif
#define NC 2048

// Floats of scratch one thread needs: packed B block, packed A block, one edge tile.
#define SCRATCH_FLOATS (KC * NC + MC * KC + MR * NR)

#include "job.h"

__attribute__((export_name("scratch_floats"))) int scratch_floats(void) { return SCRATCH_FLOATS; }

// ---- packing -------------------------------------------------------------------------------------

// Transposes the 4×4 block whose rows are r0..r3 and stores its columns at dst, dst + stride, …
static inline void store_transposed(v128_t r0, v128_t r1, v128_t r2, v128_t r3, float *dst, int stride) {
  v128_t lo01 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), lo23 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
  v128_t hi01 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), hi23 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(dst, wasm_i32x4_shuffle(lo01, lo23, 0, 1, 4, 5));
  wasm_v128_store(dst + stride, wasm_i32x4_shuffle(lo01, lo23, 2, 3, 6, 7));
  wasm_v128_store(dst + 2 * stride, wasm_i32x4_shuffle(hi01, hi23, 0, 1, 4, 5));
  wasm_v128_store(dst + 3 * stride, wasm_i32x4_shuffle(hi01, hi23, 2, 3, 6, 7));
}

// Packs B(pc : pc+kc, jc : jc+nc) into NR-wide panels [panel][p][NR], zero-padding the last panel.
static void pack_b(const float *b, int b_rs, int b_cs, int kc, int nc, float *dst) {
  for (int j = 0; j < nc; j += NR) {
    int nr = nc - j < NR ? nc - j : NR;
    const float *src = b + j * b_cs;
    int p = 0;
    if (nr == NR && b_cs == 1) {
      // Rows of the panel are contiguous: copy 8 floats per p.
      for (; p < kc; p++) {
        const float *row = src + p * b_rs;
        wasm_v128_store(dst + p * NR, wasm_v128_load(row));
        wasm_v128_store(dst + p * NR + 4, wasm_v128_load(row + 4));
      }
    } else if (nr == NR && b_rs == 1) {
      // B stored transposed: each of the 8 columns is contiguous in p; transpose 4×4 blocks.
      for (; p + 4 <= kc; p += 4) {
        for (int half = 0; half < NR; half += 4) {
          const float *col = src + half * b_cs + p;
          store_transposed(wasm_v128_load(col), wasm_v128_load(col + b_cs), wasm_v128_load(col + 2 * b_cs),
                           wasm_v128_load(col + 3 * b_cs), dst + p * NR + half, NR);
        }
      }
    }
    // Remaining rows (or a narrow / strided panel) element by element.
    for (int jj = 0; jj < NR; jj++) {
      if (jj < nr) {
        const float *col = src + jj * b_cs;
        for (int q = p; q < kc; q++) dst[q * NR + jj] = col[q * b_rs];
      } else {
        for (int q = p; q < kc; q++) dst[q * NR + jj] = 0.0f;
      }
    }
    dst += kc * NR;
  }
}

// Packs A(ic : ic+mc, pc : pc+kc) into MR-tall panels [panel][p][MR], zero-padding the last panel.
static void pack_a(const float *a, int a_rs, int a_cs, int mc, int kc, float *dst) {
  for (int i = 0; i < mc; i += MR) {
    int mr = mc - i < MR ? mc - i : MR;
    const float *rows = a + i * a_rs;
    int p = 0;
#if MR == 4
    if (mr == MR && a_cs == 1) {
      // Rows contiguous in p: transpose 4×4 blocks.
      for (; p + 4 <= kc; p += 4) {
        const float *r = rows + p;
        store_transposed(wasm_v128_load(r), wasm_v128_load(r + a_rs), wasm_v128_load(r + 2 * a_rs),
                         wasm_v128_load(r + 3 * a_rs), dst + p * MR, MR);
      }
    } else if (mr == MR && a_rs == 1) {
      // A stored transposed: the panel's 4 rows are adjacent for each p.
      for (; p < kc; p++) wasm_v128_store(dst + p * MR, wasm_v128_load(rows + p * a_cs));
    }
#endif
    for (int ii = 0; ii < MR; ii++) {
      if (ii < mr) {
        const float *row = rows + ii * a_rs;
        for (int q = p; q < kc; q++) dst[q * MR + ii] = row[q * a_cs];
      } else {
        for (int q = p; q < kc; q++) dst[q * MR + ii] = 0.0f;
      }
    }
    dst += kc * MR;
  }
}

// ---- micro-kernel --------------------------------------------------------------------------------

#define ROW(r)                                                                     \
  {                                                                                \
    v128_t x = wasm_v128_load32_splat(pa + r);                                     \
    c##r##0 = wasm_f32x4_add(c##r##0, wasm_f32x4_mul(x, b0));                      \
    c##r##1 = wasm_f32x4_add(c##r##1, wasm_f32x4_mul(x, b1));                      \
  }

#define STORE(r)                                                                   \
  if (r < mr) {                                                                    \
    float *row = out + r * ld;                                                     \
    if (accumulate) {                                                              \
      c##r##0 = wasm_f32x4_add(c##r##0, wasm_v128_load(row));                      \
      c##r##1 = wasm_f32x4_add(c##r##1, wasm_v128_load(row + 4));                  \
    }                                                                              \
    wasm_v128_store(row, c##r##0);                                                 \
    wasm_v128_store(row + 4, c##r##1);                                             \
  }

// C tile (mr × nr valid of MR × NR) (+)= packed A panel · packed B panel over kc.
static void micro_kernel(int kc, const float *pa, const float *pb, float *c, int ldc, int mr, int nr,
                         int accumulate, float *edge) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  v128_t c30 = c00, c31 = c00;
#if MR == 6
  v128_t c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#endif
  for (int p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(pb);
    v128_t b1 = wasm_v128_load(pb + 4);
    ROW(0) ROW(1) ROW(2) ROW(3)
#if MR == 6
    ROW(4) ROW(5)
#endif
    pa += MR;
    pb += NR;
  }
  // Full-width tiles go straight to C; narrow ones through the edge buffer.
  float *out = nr == NR ? c : edge;
  int ld = nr == NR ? ldc : NR;
  if (nr != NR) {
    for (int r = 0; r < mr; r++)
      for (int j = 0; j < NR; j++) edge[r * NR + j] = (accumulate && j < nr) ? c[r * ldc + j] : 0.0f;
  }
  STORE(0) STORE(1) STORE(2) STORE(3)
#if MR == 6
  STORE(4) STORE(5)
#endif
  if (nr != NR) {
    for (int r = 0; r < mr; r++)
      for (int j = 0; j < nr; j++) c[r * ldc + j] = edge[r * NR + j];
  }
}

// ---- blocked product of one rectangle ------------------------------------------------------------

// C(0:m, 0:n) = A(0:m, 0:k) · B(0:k, 0:n) for operands already offset to the rectangle's origin:
// A(i, k) at a[i * a_rs + k * a_cs], B(k, j) at b[k * b_rs + j * b_cs], C(i, j) at c[i * ldc + j].
// (Scalars only, no struct by value: the module must never use the C stack.)
void gemm_rect(const float *a, int a_rs, int a_cs, const float *b, int b_rs, int b_cs, float *c_base, int ldc, int m,
               int n, int k, float *scratch) {
  float *pack_b_buf = scratch;
  float *pack_a_buf = scratch + KC * NC;
  float *edge = pack_a_buf + MC * KC;
  if (k == 0) {
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) c_base[i * ldc + j] = 0.0f;
    return;
  }
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      pack_b(b + pc * b_rs + jc * b_cs, b_rs, b_cs, kc, nc, pack_b_buf);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = m - ic < MC ? m - ic : MC;
        pack_a(a + ic * a_rs + pc * a_cs, a_rs, a_cs, mc, kc, pack_a_buf);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? nc - jr : NR;
          const float *pb = pack_b_buf + jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            float *c = c_base + (ic + ir) * ldc + jc + jr;
            micro_kernel(kc, pack_a_buf + ir * kc, pb, c, ldc, mr, nr, pc > 0, edge);
          }
        }
      }
    }
  }
}

// ---- matrix-vector -------------------------------------------------------------------------------

// y(j0:j1) = sum_k x[k] · W[k * w_rs + j] (W rows contiguous: axpy form).
static void gemv_rows(const float *x, const float *w, int w_rs, int k, float *y, int j0, int j1) {
  for (int j = j0; j < j1; j++) y[j] = 0.0f;
  int p = 0;
  for (; p + 4 <= k; p += 4) {
    const float *w0 = w + p * w_rs, *w1 = w0 + w_rs, *w2 = w1 + w_rs, *w3 = w2 + w_rs;
    v128_t x0 = wasm_f32x4_splat(x[p]), x1 = wasm_f32x4_splat(x[p + 1]);
    v128_t x2 = wasm_f32x4_splat(x[p + 2]), x3 = wasm_f32x4_splat(x[p + 3]);
    int j = j0;
    for (; j + 4 <= j1; j += 4) {
      v128_t s = wasm_f32x4_add(wasm_f32x4_mul(x0, wasm_v128_load(w0 + j)), wasm_f32x4_mul(x1, wasm_v128_load(w1 + j)));
      s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_mul(x2, wasm_v128_load(w2 + j)),
                                           wasm_f32x4_mul(x3, wasm_v128_load(w3 + j))));
      wasm_v128_store(y + j, wasm_f32x4_add(wasm_v128_load(y + j), s));
    }
    for (; j < j1; j++) y[j] += x[p] * w0[j] + x[p + 1] * w1[j] + x[p + 2] * w2[j] + x[p + 3] * w3[j];
  }
  for (; p < k; p++) {
    const float *w0 = w + p * w_rs;
    for (int j = j0; j < j1; j++) y[j] += x[p] * w0[j];
  }
}

static float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

// y(j0:j1) = dot(x, W[j * w_cs : j * w_cs + k]) (W columns contiguous: dot form).
static void gemv_cols(const float *x, const float *w, int w_cs, int k, float *y, int j0, int j1) {
  int j = j0;
  for (; j + 4 <= j1; j += 4) {
    const float *w0 = w + j * w_cs, *w1 = w0 + w_cs, *w2 = w1 + w_cs, *w3 = w2 + w_cs;
    v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
    int p = 0;
    for (; p + 4 <= k; p += 4) {
      v128_t xv = wasm_v128_load(x + p);
      s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(xv, wasm_v128_load(w0 + p)));
      s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(xv, wasm_v128_load(w1 + p)));
      s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(xv, wasm_v128_load(w2 + p)));
      s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(xv, wasm_v128_load(w3 + p)));
    }
    float t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    for (; p < k; p++) {
      t0 += x[p] * w0[p];
      t1 += x[p] * w1[p];
      t2 += x[p] * w2[p];
      t3 += x[p] * w3[p];
    }
    y[j] = t0;
    y[j + 1] = t1;
    y[j + 2] = t2;
    y[j + 3] = t3;
  }
  for (; j < j1; j++) {
    const float *w0 = w + j * w_cs;
    v128_t s0 = wasm_f32x4_splat(0);
    int p = 0;
    for (; p + 4 <= k; p += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(x + p), wasm_v128_load(w0 + p)));
    float t0 = hsum(s0);
    for (; p < k; p++) t0 += x[p] * w0[p];
    y[j] = t0;
  }
}

// y(j0:j1) = x · W where W(k, j) = w[k * w_rs + j * w_cs] and one of the strides is 1.
static void gemv_range(const float *x, const float *w, int w_rs, int w_cs, int k, float *y, int j0, int j1) {
  if (w_cs == 1) {
    gemv_rows(x, w, w_rs, k, y, j0, j1);
  } else {
    gemv_cols(x, w, w_cs, k, y, j0, j1);
  }
}

// ---- job entry point -----------------------------------------------------------------------------

static int round_up(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

// Runs on each of `threads` threads. Work is cut into units (whole batches, or slices of one batch along its
// larger output dimension when there are few batches) that threads claim from an atomic counter, so a thread
// slowed down by a busy core simply claims fewer units.
__attribute__((export_name("run_job"))) void run_job(job_t *job, int thread, int threads) {
  if (job->kind == JOB_PACKED_GEMV) {
    run_packed_gemv(job);
    return;
  }
  if (job->kind != JOB_GEMM) {
    run_stored_job((stored_job_t *)job, thread);
    return;
  }
  int m = job->m, n = job->n, k = job->k, batch = job->batch;
  if (m == 0 || n == 0 || batch == 0) return;
  const int *a_offsets = (const int *)job->a_offsets;
  const int *b_offsets = (const int *)job->b_offsets;
  int a_rs = job->trans_a ? 1 : k, a_cs = job->trans_a ? m : 1;
  int b_rs = job->trans_b ? 1 : n, b_cs = job->trans_b ? k : 1;
  float *scratch = (float *)job->scratch + thread * SCRATCH_FLOATS;

  int gemv = m == 1 || n == 1;
  int split_rows = m >= n;
  int len = gemv ? (m == 1 ? n : m) : (split_rows ? m : n);
  int granule = gemv ? 256 : 64;
  int wanted = threads == 1 ? 1 : 4 * threads;
  int splits = batch >= wanted ? 1 : (wanted + batch - 1) / batch;
  int most = (len + granule - 1) / granule;
  if (splits > most) splits = most;
  if (splits < 1) splits = 1;
  int units = batch * splits;
  for (;;) {
    int u = __atomic_fetch_add(&job->next_unit, 1, __ATOMIC_RELAXED);
    if (u >= units) break;
    int bi = u / splits, s = u % splits;
    const float *a = (const float *)job->a + a_offsets[bi];
    const float *b = (const float *)job->b + b_offsets[bi];
    float *c = (float *)job->c + bi * m * n;
    if (gemv) {
      // M == 1: y[1,N] = x · B.  N == 1: y^T[1,M] = b^T · A^T (A's roles of rows and columns swap).
      const float *x = m == 1 ? a : b;
      const float *w = m == 1 ? b : a;
      int w_rs = m == 1 ? b_rs : a_cs;
      int w_cs = m == 1 ? b_cs : a_rs;
      int step = round_up((len + splits - 1) / splits, 16);
      int j0 = s * step, j1 = j0 + step < len ? j0 + step : len;
      if (j0 < j1) gemv_range(x, w, w_rs, w_cs, k, c, j0, j1);
      continue;
    }
    int step = round_up((len + splits - 1) / splits, split_rows ? MR : NR);
    int lo = s * step, hi = lo + step < len ? lo + step : len;
    if (lo >= hi) continue;
    if (split_rows) {
      gemm_rect(a + lo * a_rs, a_rs, a_cs, b, b_rs, b_cs, c + lo * n, n, hi - lo, n, k, scratch);
    } else {
      gemm_rect(a, a_rs, a_cs, b + lo * b_cs, b_rs, b_cs, c + lo, n, m, hi - lo, k, scratch);
    }
  }
}
