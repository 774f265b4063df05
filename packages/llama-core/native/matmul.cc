// LawGPT.js native f32 matMul (N-API, C++17): BLIS-style packing + register-blocked micro-kernels chosen at run
// time (AVX-512: 12×32, AVX2+FMA: 6×16, portable: 4×8), threads from a persistent pool claiming work units from
// an atomic counter. No -march=native: ISA-specific functions carry target attributes, the rest is baseline x86-64.
//
// JS: matmul(a, b, c, aOffsets, bOffsets, m, n, k, transA, transB, threads) with Float32Array a, b, c (any
// ArrayBuffer, e.g. tfjs's wasm heap: zero copies), Int32Array offsets (element offset of each output batch's A
// and B matrix). isa() → "avx512" | "avx2" | "generic".
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LAWGPT_X86 1
#endif

namespace {

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

// ---- ISA selection ---------------------------------------------------------------------------------

struct Isa {
  const char *name;
  int mr, nr;
  void (*rect)(Kernel, const float *, int, int, const float *, int, int, float *, int, int, int, int, Scratch &);
  Kernel kernel;
};

Isa select_isa() {
#ifdef LAWGPT_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {"avx512", 12, 32, gemm_rect<12, 32>, kernel_avx512<12, 32>};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {"avx2", 6, 16, gemm_rect<6, 16>, kernel_avx2<6, 16>};
#endif
  return {"generic", 4, 8, gemm_rect<4, 8>, kernel_generic<4, 8>};
}

const Isa isa = select_isa();

// Runs the units of `problem` claimed from `next` (shared by all threads).
void run_units(const Problem &problem, std::atomic<int> &next, int splits, Scratch &scratch) {
  const int m = problem.m, n = problem.n, k = problem.k;
  const bool is_gemv = m == 1 || n == 1;
  const bool split_rows = m >= n;
  const int len = is_gemv ? (m == 1 ? n : m) : (split_rows ? m : n);
  const int units = problem.batch * splits;
  for (int u = next.fetch_add(1); u < units; u = next.fetch_add(1)) {
    int bi = u / splits, s = u % splits;
    const float *a = problem.a + problem.a_offsets[bi];
    const float *b = problem.b + problem.b_offsets[bi];
    float *c = problem.c + (size_t)bi * m * n;
    if (is_gemv) {
      int step = ((len + splits - 1) / splits + 15) / 16 * 16;
      int j0 = s * step, j1 = std::min(len, j0 + step);
      if (j0 >= j1) continue;
      if (m == 1) gemv(a, b, problem.b_rs, problem.b_cs, k, c, j0, j1);
      else gemv(b, a, problem.a_cs, problem.a_rs, k, c, j0, j1);
      continue;
    }
    int align = split_rows ? isa.mr : isa.nr;
    int step = ((len + splits - 1) / splits + align - 1) / align * align;
    int lo = s * step, hi = std::min(len, lo + step);
    if (lo >= hi) continue;
    if (split_rows) {
      isa.rect(isa.kernel, a + (size_t)lo * problem.a_rs, problem.a_rs, problem.a_cs, b, problem.b_rs, problem.b_cs,
               c + (size_t)lo * n, n, hi - lo, n, k, scratch);
    } else {
      isa.rect(isa.kernel, a, problem.a_rs, problem.a_cs, b + (size_t)lo * problem.b_cs, problem.b_rs, problem.b_cs,
               c + lo, n, m, hi - lo, k, scratch);
    }
  }
}

// ---- thread pool -----------------------------------------------------------------------------------

class Pool {
 public:
  void run(int threads, const std::function<void(int)> &work) {
    ensure(threads - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      work_ = &work;
      active_ = threads - 1;
      pending_ = threads - 1;
      generation_++;
    }
    wake_.notify_all();
    work(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    work_ = nullptr;
  }

 private:
  void ensure(int helpers) {
    while ((int)workers_.size() < helpers) {
      int index = (int)workers_.size() + 1;
      workers_.emplace_back([this, index] { loop(index); });
      workers_.back().detach();
    }
  }
  void loop(int index) {
    unsigned long seen = 0;
    for (;;) {
      const std::function<void(int)> *work;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (index > active_) continue;
        work = work_;
      }
      (*work)(index);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)> *work_ = nullptr;
  unsigned long generation_ = 0;
  int active_ = 0, pending_ = 0;
};

// Never destroyed: worker threads wait on the pool's condition variable until the process exits, and destroying
// a condition variable with waiters blocks (glibc) at exit.
Pool &pool = *new Pool();
std::vector<Scratch> &scratches = *new std::vector<Scratch>();

// ---- N-API glue ------------------------------------------------------------------------------------

bool typed_array(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length) {
  bool is = false;
  napi_is_typedarray(env, value, &is);
  if (!is) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset);
  return type == want;
}

napi_value Matmul(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 11) {
    napi_throw_type_error(env, nullptr, "matmul expects 11 arguments");
    return nullptr;
  }
  void *pointers[5];
  size_t lengths[5];
  const napi_typedarray_type types[5] = {napi_float32_array, napi_float32_array, napi_float32_array, napi_int32_array,
                                         napi_int32_array};
  for (int i = 0; i < 5; i++) {
    if (!typed_array(env, argv[i], types[i], &pointers[i], &lengths[i])) {
      napi_throw_type_error(env, nullptr, "matmul: a, b, c must be Float32Array and offsets Int32Array");
      return nullptr;
    }
  }
  int32_t ints[4];
  bool flags[2];
  for (int i = 0; i < 3; i++) napi_get_value_int32(env, argv[5 + i], &ints[i]);
  napi_get_value_bool(env, argv[8], &flags[0]);
  napi_get_value_bool(env, argv[9], &flags[1]);
  napi_get_value_int32(env, argv[10], &ints[3]);
  const int m = ints[0], n = ints[1], k = ints[2];
  const int batch = (int)lengths[3];
  if ((size_t)batch * m * n > lengths[2] || lengths[4] != lengths[3]) {
    napi_throw_range_error(env, nullptr, "matmul: output or offsets too short");
    return nullptr;
  }
  Problem problem{static_cast<const float *>(pointers[0]), static_cast<const float *>(pointers[1]),
                  static_cast<float *>(pointers[2]), m, n, k,
                  flags[0] ? 1 : k, flags[0] ? m : 1, flags[1] ? 1 : n, flags[1] ? k : 1, batch,
                  static_cast<const int32_t *>(pointers[3]), static_cast<const int32_t *>(pointers[4])};
  if (m == 0 || n == 0 || batch == 0) return nullptr;
  const double flops = 2.0 * batch * m * n * k;
  int threads = std::max(1, std::min(ints[3], 64));
  if (flops < 2e6) threads = 1;
  const bool is_gemv = m == 1 || n == 1;
  const int len = is_gemv ? (m == 1 ? n : m) : std::max(m, n);
  const int granule = is_gemv ? 256 : 64;
  int wanted = threads == 1 ? 1 : 4 * threads;
  int splits = batch >= wanted ? 1 : (wanted + batch - 1) / batch;
  splits = std::max(1, std::min(splits, (len + granule - 1) / granule));
  if ((int)scratches.size() < threads) scratches.resize(threads);
  // One matrix-vector product over row-contiguous weights (decode with [in, out] weights): each thread streams
  // a contiguous block of whole rows into its own partial vector, summed afterwards — cutting the columns
  // instead would make every thread read short strided pieces of each row.
  const bool rows_form = m == 1 ? problem.b_cs == 1 : problem.a_rs == 1;
  if (is_gemv && batch == 1 && rows_form && threads > 1 && k >= 64 * threads) {
    const float *x = m == 1 ? problem.a : problem.b;
    const float *w = m == 1 ? problem.b : problem.a;
    const size_t w_rs = m == 1 ? problem.b_rs : problem.a_cs;
    for (int t = 1; t < threads; t++) scratches[t].a.resize((size_t)len);
    auto rows = [&](int t) {
      int p0 = (int)((long long)k * t / threads), p1 = (int)((long long)k * (t + 1) / threads);
      gemv_rows(x, w, w_rs, p0, p1, t == 0 ? problem.c : scratches[t].a.data(), 0, len);
    };
    std::function<void(int)> partial = rows;
    pool.run(threads, partial);
    for (int t = 1; t < threads; t++) {
      const float *part = scratches[t].a.data();
      for (int j = 0; j < len; j++) problem.c[j] += part[j];
    }
    return nullptr;
  }
  std::atomic<int> next{0};
  std::function<void(int)> work = [&](int thread) { run_units(problem, next, splits, scratches[thread]); };
  if (threads == 1) work(0);
  else pool.run(threads, work);
  return nullptr;
}

napi_value IsaName(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_string_utf8(env, isa.name, NAPI_AUTO_LENGTH, &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "matmul", NAPI_AUTO_LENGTH, Matmul, nullptr, &fn);
  napi_set_named_property(env, exports, "matmul", fn);
  napi_create_function(env, "isa", NAPI_AUTO_LENGTH, IsaName, nullptr, &fn);
  napi_set_named_property(env, exports, "isa", fn);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
