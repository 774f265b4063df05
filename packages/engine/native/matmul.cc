// LawGPT.js native f32 matMul (N-API, C++17): BLIS-style packing + register-blocked micro-kernels chosen at run
// time (AVX-512: 12×32, AVX2+FMA: 6×16, portable: 4×8), threads from a persistent pool claiming work units from
// an atomic counter. No -march=native: ISA-specific functions carry target attributes, the rest is baseline x86-64.
//
// JS: matmul(a, b, c, aOffsets, bOffsets, m, n, k, transA, transB, threads) with Float32Array a, b, c (any
// ArrayBuffer, e.g. tfjs's wasm heap: zero copies), Int32Array offsets (element offset of each output batch's A
// and B matrix). storedMatmul / storedMatmulT(w, format, rows, cols, x, count, y, threads): products with a weight
// in a stored format (stored-kernels.h). isa() → "avx512" | "avx2" | "generic".
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
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

#include "matmul-kernels.h"
#include "stored-kernels.h"

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

// Two kinds of jobs: `run` (every thread takes its fixed share, the caller waits for all of them) and
// `run_claimed` (threads claim units from an atomic counter: the caller returns once it has claimed the last unit
// and the workers that joined have left — a worker still asleep on a busy machine holds nobody up). Workers spin
// briefly before sleeping on the condition variable: decoding posts a product every few hundred microseconds.
constexpr int SPIN_US = 3000;

class Pool {
 public:
  void run(int threads, const std::function<void(int)> &work) { post(threads, work, false); }
  void run_claimed(int threads, const std::function<void(int)> &work) { post(threads, work, true); }

 private:
  void post(int threads, const std::function<void(int)> &work, bool claimed) {
    ensure(threads - 1);
    unsigned long generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      work_ = &work;
      active_ = threads - 1;
      pending_ = threads - 1;
      claimed_ = claimed;
      generation = generation_.load() + 1;
      generation_.store(generation);
    }
    wake_.notify_all();
    work(0);
    if (claimed) {
      closed_.store(generation);
      for (int spin = 0; spin < 100000 && joined_.load() != 0; spin++) {
      }
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [&] { return joined_.load() == 0; });
    } else {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [&] { return pending_ == 0; });
    }
  }

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
      // Spin up to SPIN_MS after the last job before sleeping: a decode step posts a product every few hundred
      // microseconds, and a worker woken from sleep (~50–80 µs here) arrives after the caller did most of it.
      const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(SPIN_US);
      for (int spin = 0; generation_.load() == seen; spin++) {
        if ((spin & 255) == 0 && std::chrono::steady_clock::now() > spin_until) break;
      }
      const std::function<void(int)> *work;
      bool claimed;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load() != seen; });
        seen = generation_.load();
        if (index > active_) continue;
        work = work_;
        claimed = claimed_;
        if (claimed) joined_.fetch_add(1);
      }
      if (!claimed) {
        (*work)(index);
        std::lock_guard<std::mutex> lock(mutex_);
        if (--pending_ == 0) done_.notify_one();
        continue;
      }
      if (closed_.load() != seen) (*work)(index);
      std::lock_guard<std::mutex> lock(mutex_);
      if (joined_.fetch_sub(1) == 1) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)> *work_ = nullptr;
  std::atomic<unsigned long> generation_{0}, closed_{0};
  std::atomic<int> joined_{0};
  int active_ = 0, pending_ = 0;
  bool claimed_ = false;
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
  else pool.run_claimed(threads, work);
  return nullptr;
}

#include "stored-glue.h"
#include "attention-glue.h"

napi_value IsaName(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_string_utf8(env, isa.name, NAPI_AUTO_LENGTH, &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "matmul", NAPI_AUTO_LENGTH, Matmul, nullptr, &fn);
  napi_set_named_property(env, exports, "matmul", fn);
  napi_create_function(env, "storedMatmul", NAPI_AUTO_LENGTH, StoredMatmul, nullptr, &fn);
  napi_set_named_property(env, exports, "storedMatmul", fn);
  napi_create_function(env, "storedMatmulT", NAPI_AUTO_LENGTH, StoredMatmulT, nullptr, &fn);
  napi_set_named_property(env, exports, "storedMatmulT", fn);
  napi_create_function(env, "attention", NAPI_AUTO_LENGTH, Attention, nullptr, &fn);
  napi_set_named_property(env, exports, "attention", fn);
  napi_create_function(env, "isa", NAPI_AUTO_LENGTH, IsaName, nullptr, &fn);
  napi_set_named_property(env, exports, "isa", fn);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
