import type * as tf from '@tensorflow/tfjs-core';
import { KernelError } from '../errors.js';
import type { StoredWeight } from '../weights/stored-weight.js';
import { isQuantized, QUANT_BLOCK, type WeightFormat } from '../weights/weight-format.js';
import {
  groupsFor,
  REDUCE_SUM,
  ROUND_TO_HALF,
  runProgram,
  type WebgpuBackendLike,
  WORKGROUP,
} from './webgpu-program.js';

/**
 * y = x · Wᵀ for a {@link StoredWeight} on the webgpu backend. The weight's stored bytes (f32, f16, bf16, or
 * llama.cpp's Q8_0 / Q4_0 blocks) are uploaded once, as they are, into a u32 array on the device; the shader
 * widens f16/bf16 and dequantizes the blocks as it reads them. Quantized formats quantize x to Q8 blocks first
 * and sum exact integer block products × d_w × d_x, as the wasm engine and llama.cpp's CPU backend do.
 * One workgroup per output value: shaped for decoding (one x row), correct for any number of rows.
 * Where the device has `shader-f16` (see {@link shaderF16On}), halves (f16 weights, Q8_0/Q4_0 scales) are read
 * as WGSL `f16` and widened to f32; otherwise decoded from their bits. Both are exact; products and sums are f32.
 */

/** Activation blocks: [d, q₀ … q₃₁] as f32 (q exact small integers). */
const ACT_STRIDE = QUANT_BLOCK + 1;

/** The directive of the f16 kernels; the device started by `startWebgpu` moves it to the front of the source. */
export const ENABLE_F16 = 'enable f16;';

/**
 * Whether the stored products on `backend` read halves as WGSL `f16`: its device has `shader-f16` and
 * `$LAWGPT_WEBGPU_F16` is not `0` (read at each call; `0` forces the f32 path, e.g. to compare both).
 */
export function shaderF16On(backend: unknown): boolean {
  const { device } = backend as { device?: { features?: { has(name: string): boolean } } };
  return process.env.LAWGPT_WEBGPU_F16 !== '0' && (device?.features?.has('shader-f16') ?? false);
}

/** WGSL `fn halfValue(o : u32) -> f32`: the IEEE half at byte offset `o` of `w`, widened exactly. */
const HALF_VALUE = {
  f32: 'fn halfValue(o : u32) -> f32 { return halfToF32(halfAt(o)); }',
  f16: 'fn halfValue(o : u32) -> f32 { return f32(bitcast<vec2<f16>>(w[o >> 2u])[(o >> 1u) & 1u]); }',
};

const WGSL_HELPERS = `
fn word(o : u32) -> u32 { return bitcast<u32>(w[o >> 2u]); }
fn byteAt(o : u32) -> u32 { return (word(o) >> ((o & 3u) * 8u)) & 0xffu; }
fn halfAt(o : u32) -> u32 { return (word(o) >> ((o & 2u) * 8u)) & 0xffffu; }
// IEEE half bits → f32, exactly (no shader-f16 needed).
fn halfToF32(h : u32) -> f32 {
  let magnitude = h & 0x7fffu;
  let e = i32(magnitude >> 10u);
  let m = f32(magnitude & 0x3ffu);
  var v = ldexp(1024.0 + m, e - 25);
  if (e == 0) { v = ldexp(m, -24); }
  if (e == 31) { v = select(uniforms.NAN, uniforms.INFINITY, m == 0.0); }
  return select(v, -v, (h & 0x8000u) != 0u);
}`;

/** WGSL returning this thread's share of row `r`'s dot product with x row `i`. */
const PARTIAL_DOT: Record<WeightFormat, string> = {
  f32: `
  for (var j = tid; j < uniforms.cols; j = j + ${WORKGROUP}) {
    acc = acc + bitcast<f32>(w[u32(r) * u32(uniforms.cols) + u32(j)]) * xs[i * uniforms.cols + j];
  }`,
  f16: `
  for (var j = tid; j < uniforms.cols; j = j + ${WORKGROUP}) {
    acc = acc + halfValue(rowStart + 2u * u32(j)) * xs[i * uniforms.cols + j];
  }`,
  bf16: `
  for (var j = tid; j < uniforms.cols; j = j + ${WORKGROUP}) {
    acc = acc + bitcast<f32>(halfAt(rowStart + 2u * u32(j)) << 16u) * xs[i * uniforms.cols + j];
  }`,
  q8_0: `
  for (var b = tid; b < uniforms.cols / 32; b = b + ${WORKGROUP}) {
    let o = rowStart + 34u * u32(b);
    let a = (i * (uniforms.cols / 32) + b) * ${ACT_STRIDE};
    var sum = 0;
    for (var j = 0u; j < 32u; j = j + 1u) {
      let q = (i32(byteAt(o + 2u + j)) << 24u) >> 24u;
      sum = sum + q * i32(xs[a + 1 + i32(j)]);
    }
    acc = acc + f32(sum) * (halfValue(o) * xs[a]);
  }`,
  q4_0: `
  for (var b = tid; b < uniforms.cols / 32; b = b + ${WORKGROUP}) {
    let o = rowStart + 18u * u32(b);
    let a = (i * (uniforms.cols / 32) + b) * ${ACT_STRIDE};
    var sum = 0;
    for (var j = 0u; j < 16u; j = j + 1u) {
      let packed = byteAt(o + 2u + j);
      sum = sum + (i32(packed & 15u) - 8) * i32(xs[a + 1 + i32(j)]);
      sum = sum + (i32(packed >> 4u) - 8) * i32(xs[a + 17 + i32(j)]);
    }
    acc = acc + f32(sum) * (halfValue(o) * xs[a]);
  }`,
};

/** The f16 row read as vec2<f16> pairs (shader-f16, even cols: each row starts on a word). */
const PAIRED_F16_DOT = `
  for (var p = tid; p < uniforms.cols / 2; p = p + ${WORKGROUP}) {
    let pair = vec2<f32>(bitcast<vec2<f16>>(w[rowStart / 4u + u32(p)]));
    let k = i * uniforms.cols + 2 * p;
    acc = acc + pair.x * xs[k] + pair.y * xs[k + 1];
  }`;

/** Which WGSL a product or gradient uses: the format, whether halves are read as f16, whether in pairs. */
interface Variant {
  format: WeightFormat;
  f16: boolean;
  paired?: boolean;
}

const variantKey = ({ format, f16, paired }: Variant) =>
  `${format}${f16 ? '_shaderf16' : ''}${paired ? '_pairs' : ''}`;

const helpers = (f16: boolean) => `${f16 ? ENABLE_F16 : ''}${WGSL_HELPERS}
${HALF_VALUE[f16 ? 'f16' : 'f32']}`;

function matMulCode({ format, f16, paired }: Variant): string {
  return `${helpers(f16)}
${REDUCE_SUM}
fn main(index : i32) {
  let group = index / ${WORKGROUP};
  let tid = index % ${WORKGROUP};
  let valid = group < uniforms.rows * uniforms.count;
  let i = group / uniforms.rows;
  let r = group % uniforms.rows;
  let rowStart = u32(r) * u32(uniforms.rowBytes);
  var acc = 0.0;
  if (valid) {${paired ? PAIRED_F16_DOT : PARTIAL_DOT[format]}
  }
  let total = reduceSum(tid, acc);
  if (valid && tid == 0) { result[group] = total; }
}`;
}

/** WGSL `fn weightAt(r : i32, c : i32) -> f32`: W[r, c] decoded (dequantized: d · q). */
const WEIGHT_AT: Record<WeightFormat, string> = {
  f32: 'return bitcast<f32>(w[u32(r) * u32(uniforms.cols) + u32(c)]);',
  f16: 'return halfValue(u32(r) * u32(uniforms.rowBytes) + 2u * u32(c));',
  bf16: 'return bitcast<f32>(halfAt(u32(r) * u32(uniforms.rowBytes) + 2u * u32(c)) << 16u);',
  q8_0: `let o = u32(r) * u32(uniforms.rowBytes) + 34u * u32(c / 32);
  return halfValue(o) * f32((i32(byteAt(o + 2u + u32(c % 32))) << 24u) >> 24u);`,
  q4_0: `let o = u32(r) * u32(uniforms.rowBytes) + 18u * u32(c / 32);
  let j = c % 32;
  let packed = byteAt(o + 2u + u32(j % 16));
  return halfValue(o) * f32(i32(select(packed >> 4u, packed & 15u, j < 16)) - 8);`,
};

// dx = dy · W, one thread per dx value, summing over W's rows in float32.
function gradCode({ format, f16 }: Variant): string {
  return `${helpers(f16)}
fn weightAt(r : i32, c : i32) -> f32 {
  ${WEIGHT_AT[format]}
}
fn main(index : i32) {
  if (index >= uniforms.count * uniforms.cols) { return; }
  let i = index / uniforms.cols;
  let c = index % uniforms.cols;
  var sum = 0.0;
  for (var r = 0; r < uniforms.rows; r = r + 1) { sum = sum + dy[i * uniforms.rows + r] * weightAt(r, c); }
  result[index] = sum;
}`;
}

// x → Q8 activation blocks, as llama.cpp's x86 path: d = f16(amax / 127), q = round-half-even(x · 127 / amax).
const QUANTIZE_CODE = `${ROUND_TO_HALF}
fn main(index : i32) {
  if (index >= uniforms.blocks) { return; }
  let x0 = index * 32;
  var amax = 0.0;
  for (var j = 0; j < 32; j = j + 1) { amax = max(amax, abs(xs[x0 + j])); }
  let out = index * ${ACT_STRIDE};
  result[out] = roundToHalf(amax / 127.0);
  let scale = select(0.0, 127.0 / amax, amax != 0.0);
  for (var j = 0; j < 32; j = j + 1) { result[out + 1 + j] = round(xs[x0 + j] * scale); }
}`;

/** Device copies of stored weights, uploaded at first use; copies of disposed weights are freed at the next. */
const uploaded = new Map<StoredWeight, { backend: WebgpuBackendLike; tensor: tf.TensorInfo }>();

function deviceWeight(backend: WebgpuBackendLike, weight: StoredWeight): tf.TensorInfo {
  const held = uploaded.get(weight);
  if (held && held.backend === backend) return held.tensor;
  for (const [other, copy] of uploaded) {
    if (!other.isLive || copy.backend !== backend) {
      copy.backend.disposeData(copy.tensor.dataId);
      uploaded.delete(other);
    }
  }
  const bytes = weight.bytes();
  const words = new Int32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(words.buffer).set(bytes);
  const tensor = backend.makeTensorInfo([words.length], 'int32', words);
  uploaded.set(weight, { backend, tensor });
  return tensor;
}

/** Device bytes held for stored weights by the webgpu backend. */
export function webgpuWeightBytes(): number {
  let bytes = 0;
  for (const { tensor } of uploaded.values()) bytes += tensor.shape[0]! * 4;
  return bytes;
}

/** The stored weight of a product's attrs and its float32 [count, weight[side]] operand, checked. */
function storedOperands(
  input: tf.TensorInfo | undefined,
  attrs: tf.NamedAttrMap | undefined,
  name: 'x' | 'dy',
  side: 'cols' | 'rows',
): { weight: StoredWeight; operand: tf.TensorInfo; count: number } {
  const weight = (attrs as unknown as { weight: StoredWeight }).weight;
  const operand = input as tf.TensorInfo;
  const [count, width] = operand.shape as [number, number];
  if (operand.dtype !== 'float32' || operand.shape.length !== 2 || width !== weight[side]) {
    throw new KernelError(
      'linear',
      `float32 ${name} of shape [n, ${weight[side]}]`,
      `${operand.dtype} [${operand.shape}]`,
    );
  }
  return { weight, operand, count };
}

/** The kernelFunc of `LawgptStoredMatMul` on webgpu: inputs `{ x }` ([count, cols] float32), attrs `{ weight }`. */
export function webgpuStoredMatMul({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const gpu = backend as WebgpuBackendLike;
  const { weight, operand: x, count } = storedOperands(inputs.x, attrs, 'x', 'cols');
  const cols = weight.cols;
  const w = deviceWeight(gpu, weight);
  const quantized = isQuantized(weight.format);
  const f16 = shaderF16On(gpu);
  const variant: Variant = {
    format: weight.format,
    f16,
    paired: f16 && weight.format === 'f16' && cols % 2 === 0,
  };
  const blocks = (count * cols) / QUANT_BLOCK;
  const xs = quantized
    ? runProgram(gpu, {
        key: 'quantize_q8',
        inputs: [['xs', x]],
        outputShape: [blocks * ACT_STRIDE],
        groups: groupsFor(blocks),
        uniforms: [['blocks', 'i32', blocks]],
        body: QUANTIZE_CODE,
      })
    : x;
  const y = runProgram(gpu, {
    key: `stored_matmul_${variantKey(variant)}`,
    inputs: [
      ['xs', xs],
      ['w', w],
    ],
    outputShape: [count, weight.rows],
    groups: count * weight.rows,
    uniforms: [
      ['rows', 'i32', weight.rows],
      ['cols', 'i32', cols],
      ['count', 'i32', count],
      ['rowBytes', 'i32', weight.rowBytes],
    ],
    body: matMulCode(variant),
  });
  if (xs !== x) gpu.disposeData(xs.dataId);
  return y;
}

/** The kernelFunc of `LawgptStoredMatMulGradX` on webgpu: dx = dy · W; inputs `{ dy }` ([count, rows]). */
export function webgpuStoredMatMulGradX({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const gpu = backend as WebgpuBackendLike;
  const { weight, operand: dy, count } = storedOperands(inputs.dy, attrs, 'dy', 'rows');
  const variant: Variant = { format: weight.format, f16: shaderF16On(gpu) };
  return runProgram(gpu, {
    key: `stored_matmul_grad_${variantKey(variant)}`,
    inputs: [
      ['dy', dy],
      ['w', deviceWeight(gpu, weight)],
    ],
    outputShape: [count, weight.cols],
    groups: groupsFor(count * weight.cols),
    uniforms: [
      ['rows', 'i32', weight.rows],
      ['cols', 'i32', weight.cols],
      ['count', 'i32', count],
      ['rowBytes', 'i32', weight.rowBytes],
    ],
    body: gradCode(variant),
  });
}
