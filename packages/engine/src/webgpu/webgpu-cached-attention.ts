import type * as tf from '@tensorflow/tfjs-core';
import { EngineError, KernelError } from '../errors.js';
import type { KvStore } from '../kv/kv-store.js';
import { runFlashAttention } from './webgpu-flash-attention.js';
import {
  groupsFor,
  ROUND_TO_HALF,
  runProgram,
  type Uniform,
  type WebgpuBackendLike,
} from './webgpu-program.js';

/**
 * The KV cache's attention on the webgpu backend, with the semantics of csrc/attention.c: this step's keys and
 * values are written in place at `position` into a device buffer per layer (K then V, each
 * [batch][kvHeads][capacity][headDim], f32; an `f16` store rounds the values to half as they are written, so
 * the results equal the wasm engine's), then every query row attends to all `position + queries` positions:
 * s_t = scale · q·k_t + bias[t], out = Σ softmax(s)_t · v_t (max subtracted). Two kernels: append, then the
 * fused attention of webgpu-flash-attention.ts reading the buffer (online softmax; the scores are never stored).
 */

interface DeviceCache {
  backend: WebgpuBackendLike;
  batch: number;
  capacity: number;
  layers: Array<tf.TensorInfo | undefined>;
}

const caches = new WeakMap<KvStore, DeviceCache>();

// new[b][h][p][d] = old[rows[b]][h][p][d] for p < filled, else 0 (K and V halves alike).
const MOVE_CODE = `
fn main(index : i32) {
  if (index >= uniforms.n) { return; }
  let d = index % uniforms.hd;
  let p = (index / uniforms.hd) % uniforms.capacity;
  let bh = index / (uniforms.hd * uniforms.capacity);
  let h = bh % uniforms.kvHeads;
  let b = (bh / uniforms.kvHeads) % uniforms.batch;
  let part = bh / (uniforms.kvHeads * uniforms.batch);
  var value = 0.0;
  if (p < uniforms.filled) {
    let source = (part * uniforms.oldBatch + rows[b]) * uniforms.kvHeads + h;
    value = old[(source * uniforms.oldCapacity + p) * uniforms.hd + d];
  }
  result[index] = value;
}`;

// K/V of this step ([batch][kvHeads][queries][hd]) written at position (in place).
function appendCode(half: boolean): string {
  return `${ROUND_TO_HALF}
fn main(index : i32) {
  let n = uniforms.batch * uniforms.kvHeads * uniforms.queries * uniforms.hd;
  if (index >= 2 * n) { return; }
  let part = index / n;
  let at = index % n;
  let d = at % uniforms.hd;
  let i = (at / uniforms.hd) % uniforms.queries;
  let bh = at / (uniforms.hd * uniforms.queries);
  var value = select(k[at], v[at], part == 1);
  ${half ? 'value = roundToHalf(value);' : ''}
  result[((part * uniforms.batch * uniforms.kvHeads + bh) * uniforms.capacity + uniforms.position + i) * uniforms.hd + d] = value;
}`;
}

/** A layer's buffer for `batch` rows at `capacity`, the first `filled` positions of row r from `old`'s `rows[r]`. */
function moved(
  cache: DeviceCache,
  store: KvStore,
  old: tf.TensorInfo | undefined,
  oldBatch: number,
  oldCapacity: number,
  rows: number[],
  filled: number,
): tf.TensorInfo {
  const { backend, batch, capacity } = cache;
  const n = 2 * batch * store.kvHeads * capacity * store.headDim;
  const source = old ?? backend.makeTensorInfo([1], 'float32', new Float32Array(1));
  const rowMap = backend.makeTensorInfo([rows.length], 'int32', Int32Array.from(rows));
  const uniforms: Uniform[] = [
    ['n', 'i32', n],
    ['hd', 'i32', store.headDim],
    ['capacity', 'i32', capacity],
    ['kvHeads', 'i32', store.kvHeads],
    ['batch', 'i32', batch],
    ['filled', 'i32', old ? filled : 0],
    ['oldBatch', 'i32', oldBatch],
    ['oldCapacity', 'i32', oldCapacity],
  ];
  const inputs: Array<[string, tf.TensorInfo]> = [
    ['old', source],
    ['rows', rowMap],
  ];
  const out = runProgram(backend, {
    key: 'kv_move',
    inputs,
    outputShape: [n],
    groups: groupsFor(n),
    uniforms,
    body: MOVE_CODE,
  });
  backend.disposeData(rowMap.dataId);
  backend.disposeData(source.dataId);
  return out;
}

/** The store's device cache with room for `needed` positions of `batch` rows (capacity doubles as it grows). */
function deviceCache(
  backend: WebgpuBackendLike,
  store: KvStore,
  batch: number,
  needed: number,
  filled: number,
) {
  let cache = caches.get(store);
  if (cache && cache.batch !== batch)
    throw new EngineError(`KV cache holds ${cache.batch} rows, got ${batch}`);
  if (!cache) {
    const created: DeviceCache = { backend, batch, capacity: store.capacity, layers: [] };
    caches.set(store, created);
    store.device = {
      reorder: (rows, kept) => {
        const oldBatch = created.batch;
        created.batch = rows.length;
        created.layers = created.layers.map(
          (old) => old && moved(created, store, old, oldBatch, created.capacity, rows, kept),
        );
      },
      dispose: () => {
        for (const layer of created.layers) if (layer) created.backend.disposeData(layer.dataId);
        caches.delete(store);
      },
    };
    cache = created;
  }
  store.batch = batch;
  if (needed > cache.capacity) {
    const oldCapacity = cache.capacity;
    cache.capacity = Math.max(needed, 2 * oldCapacity);
    const identity = Array.from({ length: batch }, (_, row) => row);
    cache.layers = cache.layers.map(
      (old) => old && moved(cache!, store, old, batch, oldCapacity, identity, filled),
    );
  }
  return cache;
}

/** The kernelFunc of `LawgptCachedAttention` on webgpu (attrs `{ store, layer, position, scale }`). */
export function webgpuCachedAttention({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const gpu = backend as WebgpuBackendLike;
  const { store, layer, position, scale } = attrs as unknown as {
    store: KvStore;
    layer: number;
    position: number;
    scale: number;
  };
  const { q, k, v, bias } = inputs as Record<string, tf.TensorInfo>;
  const [batch, heads, queries, hd] = q!.shape as [number, number, number, number];
  if (hd !== store.headDim || k!.shape[1] !== store.kvHeads || heads % store.kvHeads !== 0) {
    throw new KernelError(
      'cachedAttention',
      `kv heads ${store.kvHeads}, head_dim ${store.headDim}`,
      `q [${q!.shape}], k [${k!.shape}]`,
    );
  }
  const keys = position + queries;
  const cache = deviceCache(gpu, store, batch, keys, position);
  cache.layers[layer] ??= moved(cache, store, undefined, batch, cache.capacity, [0], 0);
  const kv = cache.layers[layer]!;
  const uniforms: Uniform[] = [
    ['batch', 'i32', batch],
    ['heads', 'i32', heads],
    ['kvHeads', 'i32', store.kvHeads],
    ['queries', 'i32', queries],
    ['keys', 'i32', keys],
    ['hd', 'i32', hd],
    ['capacity', 'i32', cache.capacity],
    ['position', 'i32', position],
    ['scale', 'f32', scale],
    ['biasBatch', 'i32', bias?.shape[0] ?? 1],
  ];
  runProgram(gpu, {
    key: `kv_append_${store.format}`,
    inputs: [
      ['k', k!],
      ['v', v!],
    ],
    outputShape: [2 * batch * store.kvHeads * cache.capacity * hd],
    groups: groupsFor(2 * batch * store.kvHeads * queries * hd),
    uniforms,
    body: appendCode(store.format === 'f16'),
    output: kv,
  });
  return runFlashAttention(gpu, {
    q: q!,
    source: { kind: 'cache', kv, capacity: cache.capacity },
    bias,
    kvHeads: store.kvHeads,
    keys,
    scale,
  });
}
