import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from '../errors.js';
import {
  broadcastStrides,
  RMS_NORM_GRAD_W,
  RMS_NORM_GRAD_X,
  ROPE_GRAD,
  SWIGLU_GRAD_GATE,
  SWIGLU_GRAD_UP,
} from '../kernels/elementwise-kernels.js';
import { OP_KERNELS } from '../ops/named-op.js';
import { groupsFor, REDUCE_SUM, runProgram, type WebgpuBackendLike, WORKGROUP } from './webgpu-program.js';

/**
 * RMSNorm, RoPE and SwiGLU (forward and each input's gradient) as WGSL kernels on tfjs-backend-webgpu, computing
 * in f32 what the wasm kernels of src/kernels/elementwise-kernels.ts compute, under the same kernel names.
 */
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function float32(kernel: string, tensors: tf.TensorInfo[]): void {
  for (const tensor of tensors) {
    if (tensor.dtype !== 'float32') throw new KernelError(kernel, 'float32 tensors', tensor.dtype);
  }
}

// ---- RMSNorm: one workgroup per row ---------------------------------------------------------------------

function normRows(x: tf.TensorInfo, weight?: tf.TensorInfo): { rows: number; width: number } {
  const width = x.shape[x.shape.length - 1] ?? 0;
  if (weight && (weight.shape.length !== 1 || weight.shape[0] !== width)) {
    throw new KernelError('rmsNorm', `weight of shape [${width}]`, `[${weight.shape}]`);
  }
  return { rows: width === 0 ? 0 : tf.util.sizeFromShape(x.shape) / width, width };
}

/** WGSL: `row`, `tid`, `valid`, `base` of a one-workgroup-per-row kernel, and `r` = 1/rms of x's row. */
const ROW_PROLOGUE = `
  let row = index / ${WORKGROUP};
  let tid = index % ${WORKGROUP};
  let valid = row < uniforms.rows;
  let base = row * uniforms.width;
  var squares = 0.0;
  if (valid) {
    for (var j = tid; j < uniforms.width; j = j + ${WORKGROUP}) { let v = x[base + j]; squares = squares + v * v; }
  }
  let r = 1.0 / sqrt(reduceSum(tid, squares) / f32(uniforms.width) + uniforms.eps);`;

const RMS_NORM = `${REDUCE_SUM}
fn main(index : i32) {${ROW_PROLOGUE}
  if (valid) {
    for (var j = tid; j < uniforms.width; j = j + ${WORKGROUP}) { result[base + j] = w[j] * (x[base + j] * r); }
  }
}`;

// dx = r·dy·w − x·r³·mean(dy·w·x)
const RMS_NORM_GRAD_X_CODE = `${REDUCE_SUM}
fn main(index : i32) {${ROW_PROLOGUE}
  var dots = 0.0;
  if (valid) {
    for (var j = tid; j < uniforms.width; j = j + ${WORKGROUP}) { dots = dots + dy[base + j] * w[j] * x[base + j]; }
  }
  let mean = reduceSum(tid, dots) / f32(uniforms.width);
  if (valid) {
    for (var j = tid; j < uniforms.width; j = j + ${WORKGROUP}) {
      result[base + j] = r * dy[base + j] * w[j] - x[base + j] * (r * r * r * mean);
    }
  }
}`;

// 1/rms of each row (the first pass of the weight's gradient)
const INVERSE_RMS = `${REDUCE_SUM}
fn main(index : i32) {${ROW_PROLOGUE}
  if (valid && tid == 0) { result[row] = r; }
}`;

// dw[j] = Σ_rows dy·x·r, one thread per column
const RMS_NORM_GRAD_W_CODE = `
fn main(index : i32) {
  if (index >= uniforms.width) { return; }
  var sum = 0.0;
  for (var row = 0; row < uniforms.rows; row = row + 1) {
    let at = row * uniforms.width + index;
    sum = sum + dy[at] * x[at] * inv[row];
  }
  result[index] = sum;
}`;

function rmsNorm({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, weight } = inputs as { x: tf.TensorInfo; weight: tf.TensorInfo };
  float32('rmsNorm', [x, weight]);
  const { rows, width } = normRows(x, weight);
  return runProgram(backend as WebgpuBackendLike, {
    key: 'rms_norm',
    inputs: [
      ['x', x],
      ['w', weight],
    ],
    outputShape: [...x.shape],
    groups: rows,
    uniforms: [
      ['rows', 'i32', rows],
      ['width', 'i32', width],
      ['eps', 'f32', Number(attrs?.eps ?? 1e-6)],
    ],
    body: RMS_NORM,
  });
}

function rmsNormGradX({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, x, weight } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; weight: tf.TensorInfo };
  float32('rmsNorm', [dy, x, weight]);
  const { rows, width } = normRows(x, weight);
  return runProgram(backend as WebgpuBackendLike, {
    key: 'rms_norm_grad_x',
    inputs: [
      ['x', x],
      ['w', weight],
      ['dy', dy],
    ],
    outputShape: [...x.shape],
    groups: rows,
    uniforms: [
      ['rows', 'i32', rows],
      ['width', 'i32', width],
      ['eps', 'f32', Number(attrs?.eps ?? 1e-6)],
    ],
    body: RMS_NORM_GRAD_X_CODE,
  });
}

function rmsNormGradW({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const gpu = backend as WebgpuBackendLike;
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  float32('rmsNorm', [dy, x]);
  const { rows, width } = normRows(x);
  const uniforms: Array<[string, 'i32' | 'f32', number]> = [
    ['rows', 'i32', rows],
    ['width', 'i32', width],
    ['eps', 'f32', Number(attrs?.eps ?? 1e-6)],
  ];
  const inv = runProgram(gpu, {
    key: 'inverse_rms',
    inputs: [['x', x]],
    outputShape: [rows],
    groups: rows,
    uniforms,
    body: INVERSE_RMS,
  });
  const dw = runProgram(gpu, {
    key: 'rms_norm_grad_w',
    inputs: [
      ['x', x],
      ['dy', dy],
      ['inv', inv],
    ],
    outputShape: [width],
    groups: groupsFor(width),
    uniforms,
    body: RMS_NORM_GRAD_W_CODE,
  });
  gpu.disposeData(inv.dataId);
  return dw;
}

// ---- RoPE (rotate-half), one thread per element; cos/sin broadcast to x by strides ---------------------------

// y₁ = x₁·c₁ − x₂·s₁, y₂ = x₂·c₂ + x₁·s₂ (forward); dx₁ = dy₁·c₁ + dy₂·s₂, dx₂ = dy₂·c₂ − dy₁·s₁ (gradient)
const ROPE_CODE = `
fn main(index : i32) {
  if (index >= uniforms.n) { return; }
  let d3 = 2 * uniforms.half;
  let col = index % d3;
  let line = index / d3;
  let c = line % uniforms.d2;
  let b = (line / uniforms.d2) % uniforms.d1;
  let a = line / (uniforms.d2 * uniforms.d1);
  let t = a * uniforms.s0 + b * uniforms.s1 + c * uniforms.s2;
  let first = col < uniforms.half;
  let partner = select(index - uniforms.half, index + uniforms.half, first);
  let partnerCol = select(col - uniforms.half, col + uniforms.half, first);
  let direction = select(1.0, -1.0, first != (uniforms.gradient == 1));
  let sinAt = select(t + col * uniforms.column, t + partnerCol * uniforms.column, uniforms.gradient == 1);
  result[index] = x[index] * cosT[t + col * uniforms.column] + direction * x[partner] * sinT[sinAt];
}`;

function rotate(
  backend: unknown,
  x: tf.TensorInfo,
  cos: tf.TensorInfo,
  sin: tf.TensorInfo,
  gradient: boolean,
) {
  float32('rope', [x, cos, sin]);
  const shape = x.shape;
  const table = broadcastStrides(cos.shape, shape, 'cos');
  const sinTable = broadcastStrides(sin.shape, shape, 'sin');
  if (table.some((stride, axis) => stride !== sinTable[axis])) {
    throw new KernelError('rope', 'cos and sin of one shape', `[${cos.shape}] and [${sin.shape}]`);
  }
  const [, d1, d2, d3] = shape as [number, number, number, number];
  if (d3 % 2 !== 0) throw new KernelError('rope', 'an even head dimension', String(d3));
  const n = tf.util.sizeFromShape(shape);
  return runProgram(backend as WebgpuBackendLike, {
    key: 'rope',
    inputs: [
      ['x', x],
      ['cosT', cos],
      ['sinT', sin],
    ],
    outputShape: [...shape],
    groups: groupsFor(n),
    uniforms: [
      ['n', 'i32', n],
      ['half', 'i32', d3 / 2],
      ['d1', 'i32', d1],
      ['d2', 'i32', d2],
      ['s0', 'i32', table[0]!],
      ['s1', 'i32', table[1]!],
      ['s2', 'i32', table[2]!],
      ['column', 'i32', table[3] === 0 ? 0 : 1],
      ['gradient', 'i32', gradient ? 1 : 0],
    ],
    body: ROPE_CODE,
  });
}

function rope({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x, cos, sin } = inputs as { x: tf.TensorInfo; cos: tf.TensorInfo; sin: tf.TensorInfo };
  return rotate(backend, x, cos, sin, false);
}

function ropeGrad({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, cos, sin } = inputs as { dy: tf.TensorInfo; cos: tf.TensorInfo; sin: tf.TensorInfo };
  return rotate(backend, dy, cos, sin, true);
}

// ---- SwiGLU, one thread per element ----------------------------------------------------------------------

const SIGMOID = 'fn sigmoid(g : f32) -> f32 { return 1.0 / (1.0 + exp(-g)); }';
const SWIGLU_CODE: Record<string, string> = {
  // y = silu(gate)·up
  forward: 'let g = gate[index]; result[index] = g * sigmoid(g) * up[index];',
  // dgate = dy·up·σ(g)(1 + g(1 − σ(g)))
  gradGate:
    'let g = gate[index]; let s = sigmoid(g); result[index] = dy[index] * up[index] * s * (1.0 + g * (1.0 - s));',
  // dup = dy·silu(gate)
  gradUp: 'let g = gate[index]; result[index] = dy[index] * g * sigmoid(g);',
};

function swiGluKernel(variant: string, names: string[]): (args: KernelArgs) => tf.TensorInfo {
  return ({ inputs, backend }) => {
    const tensors = names.map((name) => inputs[name]!);
    float32('swiGlu', tensors);
    const shape = tensors[0]!.shape;
    for (const tensor of tensors) {
      if (!tf.util.arraysEqual(tensor.shape, shape)) {
        throw new KernelError('swiGlu', `gate and up of one shape [${shape}]`, `[${tensor.shape}]`);
      }
    }
    const n = tf.util.sizeFromShape(shape);
    return runProgram(backend as WebgpuBackendLike, {
      key: `swiglu_${variant}`,
      inputs: names.map((name, i) => [name, tensors[i]!]),
      outputShape: [...shape],
      groups: groupsFor(n),
      uniforms: [['n', 'i32', n]],
      body: `${SIGMOID}\nfn main(index : i32) {\n  if (index >= uniforms.n) { return; }\n  ${SWIGLU_CODE[variant]}\n}`,
    });
  };
}

/** The named-op kernels for the `webgpu` backend, by kernel name. */
export const WEBGPU_NAMED_OP_KERNELS: Array<[string, (args: KernelArgs) => tf.TensorInfo]> = [
  [OP_KERNELS.rmsNorm, rmsNorm],
  [RMS_NORM_GRAD_X, rmsNormGradX],
  [RMS_NORM_GRAD_W, rmsNormGradW],
  [OP_KERNELS.rope, rope],
  [ROPE_GRAD, ropeGrad],
  [OP_KERNELS.swiGlu, swiGluKernel('forward', ['gate', 'up'])],
  [SWIGLU_GRAD_GATE, swiGluKernel('gradGate', ['gate', 'up', 'dy'])],
  [SWIGLU_GRAD_UP, swiGluKernel('gradUp', ['gate', 'dy'])],
];
