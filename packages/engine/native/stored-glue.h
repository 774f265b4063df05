// N-API entry points of the stored-weight products (csrc/stored.c semantics): the weight is a view of the engine's
// shared memory, x and y are typed arrays anywhere (tfjs's wasm heap included): zero copies. Included once by
// matmul.cc (inside its anonymous namespace), after stored-kernels.h and the thread pool.
#pragma once

constexpr int UNIT_ROWS = 16, BLOCK_ROWS = 64, GEMM_MIN_COUNT = 8;

const StoredIsa stored_isa = select_stored_isa();

struct StoredArgs {
  const uint8_t *w;
  int format, rows, cols, count, threads;
  const float *x;
  float *y;
};

// Reads (weight, format, rows, cols, x, count, y, threads); false (with a JS exception) when malformed.
bool stored_args(napi_env env, napi_callback_info info, StoredArgs &args, bool transposed) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  void *pointers[3];
  size_t lengths[3];
  const napi_typedarray_type types[3] = {napi_uint8_array, napi_float32_array, napi_float32_array};
  const int at[3] = {0, 4, 6};
  for (int i = 0; i < 3; i++) {
    if (argc != 8 || !typed_array(env, argv[at[i]], types[i], &pointers[i], &lengths[i])) {
      napi_throw_type_error(env, nullptr, "stored product: (Uint8Array w, format, rows, cols, Float32Array x, count, Float32Array y, threads)");
      return false;
    }
  }
  int ints[5];
  const int int_at[5] = {1, 2, 3, 5, 7};
  for (int i = 0; i < 5; i++) napi_get_value_int32(env, argv[int_at[i]], &ints[i]);
  args = {static_cast<const uint8_t *>(pointers[0]), ints[0], ints[1], ints[2], ints[3], std::max(1, std::min(ints[4], 64)),
          static_cast<const float *>(pointers[1]), static_cast<float *>(pointers[2])};
  size_t in = transposed ? args.rows : args.cols, out = transposed ? args.cols : args.rows;
  if (stored_row_bytes(args.format, args.cols) == 0 || lengths[0] < (size_t)args.rows * stored_row_bytes(args.format, args.cols) ||
      lengths[1] < (size_t)args.count * in || lengths[2] < (size_t)args.count * out) {
    napi_throw_range_error(env, nullptr, "stored product: unknown format or arrays too short for the shapes");
    return false;
  }
  return true;
}

void run_pool(int threads, const std::function<void(int)> &work) {
  if ((int)scratches.size() < threads) scratches.resize(threads);
  if (threads == 1) work(0);
  else pool.run_claimed(threads, work);
}

// y = x · Wᵀ.
napi_value StoredMatmul(napi_env env, napi_callback_info info) {
  StoredArgs s;
  if (!stored_args(env, info, s, false)) return nullptr;
  const size_t stride = stored_row_bytes(s.format, s.cols);
  const bool quantized = s.format == FMT_Q8_0 || s.format == FMT_Q4_0;
  std::vector<uint8_t> act;
  if (quantized) {
    act.resize((size_t)s.count * (s.cols / QK) * ACT_BYTES);
    for (int r = 0; r < s.count; r++) quantize_activations(s.x + (size_t)r * s.cols, s.cols, act.data() + (size_t)r * (s.cols / QK) * ACT_BYTES);
  }
  std::atomic<int> next{0};
  if (!quantized && s.count >= GEMM_MIN_COUNT) {
    const int units = (s.rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
    run_pool(s.threads, [&](int thread) {
      Scratch &scratch = scratches[thread];
      std::vector<float> block((size_t)BLOCK_ROWS * s.cols);
      for (int u = next.fetch_add(1); u < units; u = next.fetch_add(1)) {
        int o0 = u * BLOCK_ROWS, n = std::min(BLOCK_ROWS, s.rows - o0);
        for (int i = 0; i < n; i++) decode_range(s.format, s.w + (size_t)(o0 + i) * stride, 0, s.cols, block.data() + (size_t)i * s.cols);
        isa.rect(isa.kernel, s.x, s.cols, 1, block.data(), 1, s.cols, s.y + o0, s.rows, s.count, n, s.cols, scratch);
      }
    });
    return nullptr;
  }
  // About eight units per thread, each a run of consecutive rows that one thread reads as a sequential stream.
  // Claiming 16 rows at a time kept a 1.1B decode step at 17 tok/s on Q8_0 and Q4_0; this gives 21 and 28.
  const int threads = s.rows * (size_t)s.cols * s.count < 100000 ? 1 : s.threads;
  const int unit_rows = std::max(UNIT_ROWS, ((s.rows + 8 * threads - 1) / (8 * threads) + UNIT_ROWS - 1) / UNIT_ROWS * UNIT_ROWS);
  const int units = (s.rows + unit_rows - 1) / unit_rows;
  const size_t act_stride = (size_t)(s.cols / QK) * ACT_BYTES;
  std::vector<const uint8_t *> acts;
  for (int r = 0; quantized && r < s.count; r++) acts.push_back(act.data() + r * act_stride);
  run_pool(threads, [&](int) {
    for (int u = next.fetch_add(1); u < units; u = next.fetch_add(1)) {
      int o1 = std::min(s.rows, (u + 1) * unit_rows);
      for (int o = u * unit_rows; o < o1; o += 4) {
        const int n = std::min(4, o1 - o);
        if (quantized) {
          const uint8_t *rows[4];
          for (int i = 0; i < n; i++) rows[i] = s.w + (size_t)(o + i) * stride;
          stored_isa.quant_rows(s.format, rows, n, acts.data(), s.count, s.cols, s.y + o, s.rows);
          continue;
        }
        for (int i = 0; i < n; i++) {
          const uint8_t *row = s.w + (size_t)(o + i) * stride;
          for (int r = 0; r < s.count; r++)
            s.y[(size_t)r * s.rows + o + i] = stored_isa.dot_float(s.format, row, s.x + (size_t)r * s.cols, s.cols);
        }
      }
    }
  });
  return nullptr;
}

// dx = dy · W (arguments as StoredMatmul: x = dy [count, rows], y = dx [count, cols]).
napi_value StoredMatmulT(napi_env env, napi_callback_info info) {
  StoredArgs s;
  if (!stored_args(env, info, s, true)) return nullptr;
  const size_t stride = stored_row_bytes(s.format, s.cols);
  const int units = (s.cols + BLOCK_ROWS - 1) / BLOCK_ROWS;
  std::atomic<int> next{0};
  run_pool(s.threads, [&](int thread) {
    Scratch &scratch = scratches[thread];
    std::vector<float> block((size_t)s.rows * BLOCK_ROWS);
    for (int u = next.fetch_add(1); u < units; u = next.fetch_add(1)) {
      int c0 = u * BLOCK_ROWS, n = std::min(BLOCK_ROWS, s.cols - c0);
      for (int o = 0; o < s.rows; o++) decode_range(s.format, s.w + (size_t)o * stride, c0, n, block.data() + (size_t)o * n);
      isa.rect(isa.kernel, s.x, s.rows, 1, block.data(), n, 1, s.y + c0, s.cols, s.count, n, s.rows, scratch);
    }
  });
  return nullptr;
}
