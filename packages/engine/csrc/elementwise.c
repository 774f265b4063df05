// LawGPT.js elementwise kernels for WebAssembly SIMD128: RMSNorm, RoPE (rotate-half) and SwiGLU, each with the
// pieces of its gradient. Linked into the single-thread module only (it runs in place on tfjs's heap: every
// pointer is a byte address there). Like matmul.c, no C stack and no static data: the caller passes scratch.

#include <wasm_simd128.h>

#include "simd-math.h"

#define EXPORT(name) __attribute__((export_name(#name)))


static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// ---- RMSNorm: y = w ⊙ x ⊙ r with r = 1/sqrt(mean(x²) + eps) per row ---------------------------------

// Σ a[j]·b[j] over one row, four lanes at a time.
static float dot(const float *a, const float *b, int width) {
  v128_t s0 = splat(0), s1 = s0;
  int j = 0;
  for (; j + 8 <= width; j += 8) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + j), wasm_v128_load(b + j)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + j + 4), wasm_v128_load(b + j + 4)));
  }
  float s = hsum(wasm_f32x4_add(s0, s1));
  for (; j < width; j++) s += a[j] * b[j];
  return s;
}

static float inverse_rms(const float *x, int width, float eps) {
  return 1.0f / __builtin_sqrtf(dot(x, x, width) / (float)width + eps);
}

EXPORT(rms_norm) void rms_norm(const float *x, const float *w, float *y, int rows, int width, float eps) {
  for (int row = 0; row < rows; row++, x += width, y += width) {
    v128_t r = splat(inverse_rms(x, width, eps));
    int j = 0;
    for (; j + 4 <= width; j += 4)
      wasm_v128_store(y + j, wasm_f32x4_mul(wasm_v128_load(w + j), wasm_f32x4_mul(wasm_v128_load(x + j), r)));
    for (; j < width; j++) y[j] = w[j] * (x[j] * wasm_f32x4_extract_lane(r, 0));
  }
}

// dx = r ⊙ dy ⊙ w − x ⊙ r³ ⊙ mean(dy ⊙ w ⊙ x).
EXPORT(rms_norm_grad_x)
void rms_norm_grad_x(const float *dy, const float *x, const float *w, float *dx, int rows, int width, float eps) {
  for (int row = 0; row < rows; row++, dy += width, x += width, dx += width) {
    float r = inverse_rms(x, width, eps);
    v128_t g0 = splat(0);
    int j = 0;
    for (; j + 4 <= width; j += 4)
      g0 = wasm_f32x4_add(g0, wasm_f32x4_mul(wasm_f32x4_mul(wasm_v128_load(dy + j), wasm_v128_load(w + j)),
                                             wasm_v128_load(x + j)));
    float gx = hsum(g0);
    for (; j < width; j++) gx += dy[j] * w[j] * x[j];
    float correction = r * r * r * gx / (float)width;
    v128_t rv = splat(r), cv = splat(correction);
    for (j = 0; j + 4 <= width; j += 4) {
      v128_t scaled = wasm_f32x4_mul(rv, wasm_f32x4_mul(wasm_v128_load(dy + j), wasm_v128_load(w + j)));
      wasm_v128_store(dx + j, wasm_f32x4_sub(scaled, wasm_f32x4_mul(wasm_v128_load(x + j), cv)));
    }
    for (; j < width; j++) dx[j] = r * dy[j] * w[j] - x[j] * correction;
  }
}

// dw = Σ_rows dy ⊙ x ⊙ r, accumulated in float64 (`sums`: width doubles of scratch).
EXPORT(rms_norm_grad_w)
void rms_norm_grad_w(const float *dy, const float *x, float *dw, int rows, int width, float eps, double *sums) {
  for (int j = 0; j < width; j++) sums[j] = 0.0;
  for (int row = 0; row < rows; row++, dy += width, x += width) {
    double r = inverse_rms(x, width, eps);
    for (int j = 0; j < width; j++) sums[j] += (double)(dy[j] * x[j]) * r;
  }
  for (int j = 0; j < width; j++) dw[j] = (float)sums[j];
}

// ---- RoPE (rotate-half): y₁ = x₁ cos₁ − x₂ sin₁, y₂ = x₂ cos₂ + x₁ sin₂ per row of 2·half -------------

// table_rows[r] = element offset of row r's cos/sin entries; `column` = 1 when the table spans the head
// dimension, 0 when one value serves the whole row. gradient ≠ 0 applies the transpose:
// dx₁ = dy₁ cos₁ + dy₂ sin₂, dx₂ = dy₂ cos₂ − dy₁ sin₁.
EXPORT(rope)
void rope(const float *x, const float *cs, const float *sn, float *y, int rows, int half, const int *table_rows,
          int column, int gradient) {
  int table_half = column ? half : 0;
  v128_t sign = splat(gradient ? -1.0f : 1.0f);
  for (int row = 0; row < rows; row++, x += 2 * half, y += 2 * half) {
    const float *c1 = cs + table_rows[row], *s1 = sn + table_rows[row];
    const float *c2 = c1 + table_half, *s2 = s1 + table_half;
    int j = 0;
    if (column) {
      for (; j + 4 <= half; j += 4) {
        v128_t a = wasm_v128_load(x + j), b = wasm_v128_load(x + half + j);
        // Forward: sin₁ with x₂ and sin₂ with x₁; the gradient swaps which half of sin each uses.
        v128_t sa = wasm_v128_load((gradient ? s2 : s1) + j), sb = wasm_v128_load((gradient ? s1 : s2) + j);
        wasm_v128_store(y + j, wasm_f32x4_sub(wasm_f32x4_mul(a, wasm_v128_load(c1 + j)),
                                              wasm_f32x4_mul(sign, wasm_f32x4_mul(b, sa))));
        wasm_v128_store(y + half + j, wasm_f32x4_add(wasm_f32x4_mul(b, wasm_v128_load(c2 + j)),
                                                     wasm_f32x4_mul(sign, wasm_f32x4_mul(a, sb))));
      }
    }
    float sg = gradient ? -1.0f : 1.0f;
    for (; j < half; j++) {
      int t = j * column;
      float a = x[j], b = x[half + j];
      float sa = gradient ? s2[t] : s1[t], sb = gradient ? s1[t] : s2[t];
      y[j] = a * c1[t] - sg * b * sa;
      y[half + j] = b * c2[t] + sg * a * sb;
    }
  }
}

// ---- SwiGLU: y = silu(gate) ⊙ up, silu(g) = g·σ(g) ------------------------------------------------


static inline v128_t sigmoid4(v128_t g) {
  return wasm_f32x4_div(splat(1.0f), wasm_f32x4_add(splat(1.0f), exp4(wasm_f32x4_neg(g))));
}

// Elementwise over n floats; the tail goes through a zero-padded vector so one code path serves all lanes.
#define FOR_EACH_4(n, ...)                           \
  for (int i = 0; i < (n); i += 4) {                  \
    int lanes = (n) - i < 4 ? (n) - i : 4;            \
    __VA_ARGS__                                       \
  }

static inline v128_t load_n(const float *p, int lanes) {
  if (lanes == 4) return wasm_v128_load(p);
  v128_t v = splat(0);
  if (lanes > 0) v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (lanes > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (lanes > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

static inline void store_n(float *p, v128_t v, int lanes) {
  if (lanes == 4) {
    wasm_v128_store(p, v);
    return;
  }
  if (lanes > 0) p[0] = wasm_f32x4_extract_lane(v, 0);
  if (lanes > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (lanes > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

EXPORT(swiglu) void swiglu(const float *gate, const float *up, float *y, int n) {
  FOR_EACH_4(n, {
    v128_t g = load_n(gate + i, lanes);
    store_n(y + i, wasm_f32x4_mul(wasm_f32x4_mul(g, sigmoid4(g)), load_n(up + i, lanes)), lanes);
  })
}

// d gate = dy ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))).
EXPORT(swiglu_grad_gate)
void swiglu_grad_gate(const float *dy, const float *gate, const float *up, float *dgate, int n) {
  FOR_EACH_4(n, {
    v128_t g = load_n(gate + i, lanes), s = sigmoid4(g);
    v128_t slope = wasm_f32x4_mul(s, wasm_f32x4_add(splat(1.0f), wasm_f32x4_mul(g, wasm_f32x4_sub(splat(1.0f), s))));
    store_n(dgate + i, wasm_f32x4_mul(wasm_f32x4_mul(load_n(dy + i, lanes), load_n(up + i, lanes)), slope), lanes);
  })
}

// d up = dy ⊙ silu(g).
EXPORT(swiglu_grad_up) void swiglu_grad_up(const float *dy, const float *gate, float *dup, int n) {
  FOR_EACH_4(n, {
    v128_t g = load_n(gate + i, lanes);
    store_n(dup + i, wasm_f32x4_mul(load_n(dy + i, lanes), wasm_f32x4_mul(g, sigmoid4(g))), lanes);
  })
}
