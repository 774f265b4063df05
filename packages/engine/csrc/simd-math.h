// Small SIMD128 math shared by the C sources (header-only: each module gets its own static copy).
#ifndef LAWGPT_SIMD_MATH_H
#define LAWGPT_SIMD_MATH_H

#include <wasm_simd128.h>

static inline v128_t splat(float value) { return wasm_f32x4_splat(value); }

// e^x for x in [-86, 88] to about 1 ulp: x = n·ln2 + r (Cody–Waite), e^r by its degree-6 Taylor polynomial
// (|r| ≤ ln2/2: error below 1.2e-7 relative), 2^n added into the exponent bits.
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, splat(-86.0f)), splat(88.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, splat(1.44269504089f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, splat(0.693145751953125f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, splat(1.428606765330187e-06f)));
  v128_t p = splat(1.0f / 720.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.0f));
  return wasm_i32x4_add(p, wasm_i32x4_shl(wasm_i32x4_trunc_sat_f32x4(n), 23));
}

#endif
