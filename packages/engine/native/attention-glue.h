// N-API entry point of attention over the engine's KV cache (csrc/attention.c semantics, float32, exp from libm):
// attention(block, q, out, [batch, heads, kvHeads, queries, headDim, capacity, keys, f16, biasBatch, threads],
// scale, bias | null). The block is K then V, each [batch][kvHeads][capacity][headDim] (float32 or half).
// Included once by matmul.cc, after stored-glue.h.
#pragma once

napi_value Attention(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  void *pointers[4] = {nullptr, nullptr, nullptr, nullptr};
  size_t lengths[4] = {0, 0, 0, 0};
  const napi_typedarray_type types[3] = {napi_uint8_array, napi_float32_array, napi_float32_array};
  bool ok = argc == 6;
  for (int i = 0; ok && i < 3; i++) ok = typed_array(env, argv[i], types[i], &pointers[i], &lengths[i]);
  void *dims_data = nullptr;
  size_t dims_length = 0;
  ok = ok && typed_array(env, argv[3], napi_int32_array, &dims_data, &dims_length) && dims_length == 10;
  double scale = 0;
  ok = ok && napi_get_value_double(env, argv[4], &scale) == napi_ok;
  napi_valuetype bias_type;
  napi_typeof(env, argv[5], &bias_type);
  if (ok && bias_type != napi_null && bias_type != napi_undefined)
    ok = typed_array(env, argv[5], napi_float32_array, &pointers[3], &lengths[3]);
  if (!ok) {
    napi_throw_type_error(env, nullptr, "attention: (Uint8Array block, Float32Array q, Float32Array out, Int32Array[10] dims, scale, Float32Array bias | null)");
    return nullptr;
  }
  const int *d = static_cast<const int *>(dims_data);
  const int batch = d[0], heads = d[1], kv_heads = d[2], queries = d[3], hd = d[4], capacity = d[5], keys = d[6];
  const int f16 = d[7], bias_batch = d[8], threads = std::max(1, std::min(d[9], 64));
  const size_t element = f16 ? 2 : 4, half = (size_t)batch * kv_heads * capacity * hd * element;
  const size_t rows = (size_t)batch * heads * queries;
  if (lengths[0] < 2 * half || lengths[1] < rows * hd || lengths[2] < rows * hd ||
      (pointers[3] && lengths[3] < (size_t)bias_batch * queries * keys) || heads % kv_heads != 0) {
    napi_throw_range_error(env, nullptr, "attention: arrays too short for the shapes");
    return nullptr;
  }
  const uint8_t *block = static_cast<const uint8_t *>(pointers[0]);
  const float *q = static_cast<const float *>(pointers[1]);
  float *out = static_cast<float *>(pointers[2]);
  const float *bias = static_cast<const float *>(pointers[3]);
  const int groups = heads / kv_heads;
  auto value = [&](const uint8_t *base, size_t index) {
    if (!f16) {
      float v;
      std::memcpy(&v, base + index * 4, 4);
      return v;
    }
    return half_to_float(load_u16(base + index * 2));
  };
  std::atomic<int> next{0};
  run_pool(rows * keys * hd < 100000 ? 1 : threads, [&](int) {
    std::vector<float> scores(keys), acc(hd);
    for (int u = next.fetch_add(1); u < (int)rows; u = next.fetch_add(1)) {
      const int i = u % queries, h = (u / queries) % heads, b = u / (queries * heads);
      const size_t base = ((size_t)b * kv_heads + h / groups) * capacity * hd;
      const float *qr = q + (size_t)u * hd;
      const float *br = bias ? bias + ((size_t)(bias_batch == 1 ? 0 : b) * queries + i) * keys : nullptr;
      float max = -3.4028234663852886e38f;
      for (int t = 0; t < keys; t++) {
        float s = 0.0f;
        for (int j = 0; j < hd; j++) s += qr[j] * value(block, base + (size_t)t * hd + j);
        s = s * (float)scale + (br ? br[t] : 0.0f);
        scores[t] = s;
        max = s > max ? s : max;
      }
      float sum = 0.0f;
      for (int t = 0; t < keys; t++) sum += scores[t] = std::exp(scores[t] - max);
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (int t = 0; t < keys; t++)
        for (int j = 0; j < hd; j++) acc[j] += scores[t] * value(block + half, base + (size_t)t * hd + j);
      for (int j = 0; j < hd; j++) out[(size_t)u * hd + j] = acc[j] / sum;
    }
  });
  return nullptr;
}
