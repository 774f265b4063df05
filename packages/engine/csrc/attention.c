// LawGPT.js attention over a KV cache held in the engine's memory, for WebAssembly SIMD128.
//
// The cache of one layer is one block: K [batch][kv_heads][capacity][head_dim], then V in the same layout, as
// float32 or IEEE half (values widened when read). New keys and values are written at a position (kv_append), then
// every query row attends to the `keys` first positions:
//   s_t = scale · q·k_t + bias[t]     (bias: the additive mask, or none)
//   out = Σ_t softmax(s)_t · v_t       (max subtracted, float32)
// Query head h reads kv head h / (heads / kv_heads), as HF's repeat_kv. Work units are query rows (batch, head,
// query), claimed from an atomic counter. No C stack, no static data (scratch per thread from the caller).

#include <wasm_simd128.h>

#include "job.h"
#include "simd-math.h"

#define EXPORT(name) __attribute__((export_name(#name)))

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

static inline float hsum4(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// Four halves (in the low 8 bytes of v) as floats; exact for finite halves.
static inline v128_t halves4(v128_t v) {
  v128_t t = wasm_i32x4_extend_low_i16x8(v);
  v128_t magnitude = wasm_v128_and(wasm_i32x4_shl(t, 13), wasm_i32x4_splat(0x0fffe000));
  v128_t scaled = wasm_f32x4_mul(magnitude, wasm_f32x4_splat(0x1p112f));
  return wasm_v128_or(scaled, wasm_v128_and(t, wasm_i32x4_splat((int)0x80000000)));
}

// float → half, round to nearest even (overflow to infinity).
static inline u16 to_half(float f) {
  u32 w = __builtin_bit_cast(u32, f), sign = (w >> 16) & 0x8000, a = w & 0x7fffffff;
  if (a > 0x7f800000) return (u16)(sign | 0x7e00);
  if (a >= 0x477ff000) return (u16)(sign | 0x7c00);
  if (a < 0x38800000) return (u16)(sign | (__builtin_bit_cast(u32, __builtin_bit_cast(float, a) + 0.5f) - 0x3f000000));
  a += 0xfff + ((a >> 13) & 1);
  return (u16)(sign | ((a - 0x38000000) >> 13));
}

// Four values of a cache row at element j.
static inline v128_t load4(const u8 *row, int j, int f16) {
  return f16 ? halves4(wasm_v128_load64_zero(row + 2 * j)) : wasm_v128_load(row + 4 * j);
}

// Writes count positions of new keys and values ([batch][kv_heads][count][head_dim], float32) at `position`.
EXPORT(kv_append)
void kv_append(u8 *block, const float *k, const float *v, int batch, int kv_heads, int capacity, int head_dim,
               int position, int count, int f16) {
  u32 element = f16 ? 2 : 4;
  u32 half = (u32)batch * kv_heads * capacity * head_dim * element;
  for (int b = 0; b < batch; b++) {
    for (int h = 0; h < kv_heads; h++) {
      for (int t = 0; t < count; t++) {
        u32 row = (((u32)b * kv_heads + h) * capacity + position + t) * head_dim;
        u32 from = (((u32)b * kv_heads + h) * count + t) * head_dim;
        for (int j = 0; j < head_dim; j++) {
          if (f16) {
            ((u16 *)block)[row + j] = to_half(k[from + j]);
            ((u16 *)(block + half))[row + j] = to_half(v[from + j]);
          } else {
            ((float *)block)[row + j] = k[from + j];
            ((float *)(block + half))[row + j] = v[from + j];
          }
        }
      }
    }
  }
}

void run_attention_job(attention_job_t *job, int thread) {
  int heads = job->heads, kv_heads = job->kv_heads, queries = job->queries, hd = job->head_dim;
  int keys = job->keys, capacity = job->capacity, f16 = job->f16;
  int groups = heads / kv_heads, units = job->batch * heads * queries;
  u32 element = f16 ? 2 : 4;
  u32 row_bytes = (u32)hd * element;
  u32 half = (u32)job->batch * kv_heads * capacity * row_bytes;
  float *scores = (float *)(job->scratch + (u32)thread * job->scratch_bytes);
  float *acc = scores + keys;
  for (int u = __atomic_fetch_add(&job->next_unit, 1, __ATOMIC_RELAXED); u < units;
       u = __atomic_fetch_add(&job->next_unit, 1, __ATOMIC_RELAXED)) {
    int i = u % queries, h = (u / queries) % heads, b = u / (queries * heads);
    const float *q = (const float *)job->q + (u32)u * hd;
    const u8 *k = (const u8 *)job->kv + (((u32)b * kv_heads + h / groups) * capacity) * row_bytes;
    const u8 *v = k + half;
    const float *bias = job->bias ? (const float *)job->bias +
                                        (((u32)(job->bias_batch == 1 ? 0 : b) * queries + i) * keys)
                                  : 0;
    float max = -3.4028234663852886e38f;
    for (int t = 0; t < keys; t++) {
      const u8 *kt = k + (u32)t * row_bytes;
      v128_t s = wasm_f32x4_splat(0.0f);
      for (int j = 0; j < hd; j += 4) s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load(q + j), load4(kt, j, f16)));
      float score = hsum4(s) * job->scale + (bias ? bias[t] : 0.0f);
      scores[t] = score;
      max = score > max ? score : max;
    }
    float sum = 0.0f;
    int t = 0;
    for (; t + 4 <= keys; t += 4) {
      v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(scores + t), wasm_f32x4_splat(max)));
      wasm_v128_store(scores + t, e);
      sum += hsum4(e);
    }
    for (; t < keys; t++) {
      float e = wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(scores[t] - max)), 0);
      scores[t] = e;
      sum += e;
    }
    for (int j = 0; j < hd; j += 4) wasm_v128_store(acc + j, wasm_f32x4_splat(0.0f));
    for (t = 0; t < keys; t++) {
      v128_t p = wasm_f32x4_splat(scores[t]);
      const u8 *vt = v + (u32)t * row_bytes;
      for (int j = 0; j < hd; j += 4)
        wasm_v128_store(acc + j, wasm_f32x4_add(wasm_v128_load(acc + j), wasm_f32x4_mul(p, load4(vt, j, f16))));
    }
    v128_t inverse = wasm_f32x4_splat(1.0f / sum);
    float *out = (float *)job->out + (u32)u * hd;
    for (int j = 0; j < hd; j += 4) wasm_v128_store(out + j, wasm_f32x4_mul(wasm_v128_load(acc + j), inverse));
  }
}
