// LawGPT.js matrix-vector product over a pre-packed weight, for one-token decoding on several threads.
//
// A decode step multiplies one row x[1, k] by each weight W[k, n] (row-major, [in, out]). Streaming W row by
// row makes every thread re-read and re-write its slice of the output for each group of rows; instead the
// weight is packed once into panels of PANEL columns, [n / PANEL][k][PANEL] (the last panel zero-padded), so a
// panel is one contiguous stream whose PANEL outputs stay in registers for the whole of k. Threads claim groups
// of panels. Like matmul.c: no C stack, no static data.

#include <wasm_simd128.h>

#include "job.h"

#define PANEL 16
#define PANELS_PER_UNIT 8

// dst = W[k, n] in panel order; dst holds ceil(n / PANEL) · k · PANEL floats.
__attribute__((export_name("pack_gemv"))) void pack_gemv(const float *w, int k, int n, float *dst) {
  for (int j = 0; j < n; j += PANEL) {
    int cols = n - j < PANEL ? n - j : PANEL;
    for (int p = 0; p < k; p++, dst += PANEL) {
      const float *row = w + p * n + j;
      if (cols == PANEL) {
        for (int v = 0; v < PANEL; v += 4) wasm_v128_store(dst + v, wasm_v128_load(row + v));
      } else {
        for (int c = 0; c < PANEL; c++) dst[c] = c < cols ? row[c] : 0.0f;
      }
    }
  }
}

// Stores the first `count` lanes of v (none when count ≤ 0).
static void store_lanes(float *y, v128_t v, int count) {
  if (count > 0) y[0] = wasm_f32x4_extract_lane(v, 0);
  if (count > 1) y[1] = wasm_f32x4_extract_lane(v, 1);
  if (count > 2) y[2] = wasm_f32x4_extract_lane(v, 2);
  if (count > 3) y[3] = wasm_f32x4_extract_lane(v, 3);
}

// y[q·PANEL : (q+1)·PANEL] = x · panel q, for panels q0 ≤ q < q1 (the last one clipped to n).
static void gemv_panels(const float *x, const float *panels, int k, int n, float *y, int q0, int q1) {
  for (int q = q0; q < q1; q++) {
    const float *p = panels + q * k * PANEL;
    v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (int i = 0; i < k; i++, p += PANEL) {
      v128_t xi = wasm_v128_load32_splat(x + i);
      s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(xi, wasm_v128_load(p)));
      s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(xi, wasm_v128_load(p + 4)));
      s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(xi, wasm_v128_load(p + 8)));
      s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(xi, wasm_v128_load(p + 12)));
    }
    int j = q * PANEL, cols = n - j < PANEL ? n - j : PANEL;
    if (cols == PANEL) {
      wasm_v128_store(y + j, s0);
      wasm_v128_store(y + j + 4, s1);
      wasm_v128_store(y + j + 8, s2);
      wasm_v128_store(y + j + 12, s3);
    } else {
      store_lanes(y + j, s0, cols);
      store_lanes(y + j + 4, s1, cols - 4);
      store_lanes(y + j + 8, s2, cols - 8);
      store_lanes(y + j + 12, s3, cols - 12);
    }
  }
}

// job: a = x, b = panels, c = y, k, n; units of PANELS_PER_UNIT panels claimed from next_unit.
void run_packed_gemv(job_t *job) {
  int k = job->k, n = job->n;
  int panels = (n + PANEL - 1) / PANEL;
  int units = (panels + PANELS_PER_UNIT - 1) / PANELS_PER_UNIT;
  for (;;) {
    int u = __atomic_fetch_add(&job->next_unit, 1, __ATOMIC_RELAXED);
    if (u >= units) break;
    int q0 = u * PANELS_PER_UNIT, q1 = q0 + PANELS_PER_UNIT < panels ? q0 + PANELS_PER_UNIT : panels;
    gemv_panels((const float *)job->a, (const float *)job->b, k, n, (float *)job->c, q0, q1);
  }
}
