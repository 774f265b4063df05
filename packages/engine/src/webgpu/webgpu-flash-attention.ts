import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from '../errors.js';
import { REDUCE_MAX, REDUCE_SUM, runProgram, type WebgpuBackendLike, WORKGROUP } from './webgpu-program.js';

/**
 * Attention on the webgpu backend, fused with an online softmax (flash-attention style): one workgroup per query
 * row walks the keys in tiles of {@link WORKGROUP}; each thread
 * scores one key of the tile (scale · q·k + bias), the tile's max updates the running max m, the running sum l and
 * the output accumulator are rescaled by exp(m_old − m_new), and the tile's weights exp(s − m) times V are added.
 * The scores are never written to memory. Semantics of `attention()` in src/ops/attention.ts: q [batch, heads,
 * queries, hd], k and v [batch, kvHeads, keys, hd] (query head h reads kv head h / (heads / kvHeads)), bias
 * [batch or 1, 1, queries, keys]. It serves `attention()` without a cache (forward only: under a gradient tape
 * `attention()` runs the composed ops) and the KV cache's attention, reading the cache's device buffer.
 */

/** The finite stand-in for −∞ (WGSL implementations may assume no infinities). */
const LOWEST = '-3.4028234e38';

/**
 * Where keys and values are read: separate tensors k, v [batch, kvHeads, keys, hd], or the KV cache's device
 * buffer `kv` (K then V, each [batch][kvHeads][capacity][hd]; see webgpu-cached-attention.ts).
 */
export type FlashSource =
  | { kind: 'tensors'; k: tf.TensorInfo; v: tf.TensorInfo }
  | { kind: 'cache'; kv: tf.TensorInfo; capacity: number };

/** WGSL: `kBase`/`vBase` (offsets of this row's kv head) and the arrays keys and values are read from. */
function sourceCode(kind: FlashSource['kind']) {
  const head = '(b * uniforms.kvHeads + h / (uniforms.heads / uniforms.kvHeads))';
  return kind === 'tensors'
    ? {
        bases: `let kBase = ${head} * uniforms.keys * HD;
  let vBase = kBase;`,
        keys: 'k',
        values: 'v',
      }
    : {
        bases: `let kBase = ${head} * uniforms.capacity * HD;
  let vBase = kBase + uniforms.batch * uniforms.kvHeads * uniforms.capacity * HD;`,
        keys: 'kv',
        values: 'kv',
      };
}

function flashCode(headDim: number, bias: boolean, kind: FlashSource['kind']): string {
  const slots = Math.ceil(headDim / WORKGROUP);
  const source = sourceCode(kind);
  return `${REDUCE_SUM}
${REDUCE_MAX}
const HD = ${headDim};
var<workgroup> qRow : array<f32, HD>;
var<workgroup> weights : array<f32, ${WORKGROUP}>;
fn main(index : i32) {
  let row = index / ${WORKGROUP};
  let tid = index % ${WORKGROUP};
  let valid = row < uniforms.rows;
  let i = row % uniforms.queries;
  let h = (row / uniforms.queries) % uniforms.heads;
  let b = row / (uniforms.queries * uniforms.heads);
  ${source.bases}
  for (var d = tid; d < HD; d = d + ${WORKGROUP}) { qRow[d] = select(0.0, q[row * HD + d], valid); }
  workgroupBarrier();
  var m = ${LOWEST};
  var l = 0.0;
  var acc : array<f32, ${slots}>;
  for (var start = 0; start < uniforms.keys; start = start + ${WORKGROUP}) {
    let t = start + tid;
    let live = valid && t < uniforms.keys;
    var s = ${LOWEST};
    if (live) {
      var dot = 0.0;
      for (var d = 0; d < HD; d = d + 1) { dot = dot + qRow[d] * ${source.keys}[kBase + t * HD + d]; }
      s = uniforms.scale * dot;
      ${bias ? 's = s + mask[(select(0, b, uniforms.biasBatch > 1) * uniforms.queries + i) * uniforms.keys + t];' : ''}
    }
    let mNew = max(m, reduceMax(tid, s));
    let p = select(0.0, exp(s - mNew), live);
    let correction = exp(m - mNew);
    l = l * correction + reduceSum(tid, p);
    weights[tid] = p;
    workgroupBarrier();
    let width = min(${WORKGROUP}, uniforms.keys - start);
    for (var j = 0; j < ${slots}; j = j + 1) {
      let d = tid + j * ${WORKGROUP};
      if (d < HD) {
        var sum = 0.0;
        for (var u = 0; u < width; u = u + 1) { sum = sum + weights[u] * ${source.values}[vBase + (start + u) * HD + d]; }
        acc[j] = acc[j] * correction + sum;
      }
    }
    workgroupBarrier();
    m = mNew;
  }
  if (valid) {
    for (var j = 0; j < ${slots}; j = j + 1) {
      let d = tid + j * ${WORKGROUP};
      if (d < HD) { result[row * HD + d] = acc[j] / l; }
    }
  }
}`;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The kernelFunc of `LawgptAttention` on webgpu (attrs `{ scale }`). */
export function webgpuFlashAttention({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { q, k, v, bias } = inputs as Record<string, tf.TensorInfo | undefined>;
  const [batch, heads, queries, headDim] = q!.shape as [number, number, number, number];
  const [kvBatch, kvHeads, keys, kvDim] = k!.shape as [number, number, number, number];
  const wantedBias = [batch, 1, queries, keys];
  const badBias =
    bias !== undefined &&
    (bias.shape.length !== 4 ||
      bias.shape.some((size, axis) => size !== wantedBias[axis] && axis !== 0) ||
      (bias.shape[0] !== 1 && bias.shape[0] !== batch));
  if (
    kvBatch !== batch ||
    kvDim !== headDim ||
    heads % kvHeads !== 0 ||
    !tf.util.arraysEqual(v!.shape, k!.shape) ||
    badBias
  ) {
    throw new KernelError(
      'attention',
      `k, v [${batch}, kvHeads | ${heads}, keys, ${headDim}], bias [${batch} or 1, 1, ${queries}, keys]`,
      `q [${q!.shape}], k [${k!.shape}], v [${v!.shape}]${bias ? `, bias [${bias.shape}]` : ''}`,
    );
  }
  for (const tensor of [q!, k!, v!, ...(bias ? [bias] : [])]) {
    if (tensor.dtype !== 'float32') throw new KernelError('attention', 'float32 tensors', tensor.dtype);
  }
  return runFlashAttention(backend as WebgpuBackendLike, {
    q: q!,
    source: { kind: 'tensors', k: k!, v: v! },
    bias,
    kvHeads,
    keys,
    scale: Number(attrs?.scale ?? 1),
  });
}

/**
 * softmax(scale · q·Kᵀ + bias) · V for every query row of q [batch, heads, queries, hd] over the first `keys`
 * keys of `source`, fused (see the top of this file); returns a new [batch, heads, queries, hd] tensor.
 */
export function runFlashAttention(
  backend: WebgpuBackendLike,
  options: {
    q: tf.TensorInfo;
    source: FlashSource;
    bias: tf.TensorInfo | undefined;
    kvHeads: number;
    keys: number;
    scale: number;
  },
): tf.TensorInfo {
  const { q, source, bias, kvHeads, keys, scale } = options;
  const [batch, heads, queries, headDim] = q.shape as [number, number, number, number];
  const named: Array<[string, tf.TensorInfo]> =
    source.kind === 'tensors'
      ? [
          ['q', q],
          ['k', source.k],
          ['v', source.v],
        ]
      : [
          ['q', q],
          ['kv', source.kv],
        ];
  if (bias) named.push(['mask', bias]);
  const rows = batch * heads * queries;
  return runProgram(backend, {
    key: `flash_attention_${source.kind}_${headDim}_${bias ? 'bias' : 'none'}`,
    inputs: named,
    outputShape: [batch, heads, queries, headDim],
    groups: rows,
    uniforms: [
      ['rows', 'i32', rows],
      ['batch', 'i32', batch],
      ['heads', 'i32', heads],
      ['kvHeads', 'i32', kvHeads],
      ['queries', 'i32', queries],
      ['keys', 'i32', keys],
      ['capacity', 'i32', source.kind === 'cache' ? source.capacity : keys],
      ['scale', 'f32', scale],
      ['biasBatch', 'i32', bias?.shape[0] ?? 1],
    ],
    body: flashCode(headDim, bias !== undefined, source.kind),
  });
}
