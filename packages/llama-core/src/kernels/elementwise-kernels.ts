import * as tf from '@tensorflow/tfjs';
import { OP_KERNELS } from '../ops/named-op.js';
import { reduceToShape } from './batch-mat-mul-gradient.js';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';
import { KernelError } from './kernel-error.js';

/**
 * RMSNorm and RoPE as single kernels on the tfjs `wasm` backend (plain loops over heap views, zero copies),
 * replacing the 6–10 stock kernels each composite op runs (SplitV/Concat for RoPE dominate), with gradients.
 * They plug into the model's named ops (src/ops/named-op.ts: the op runs the kernel when one is registered).
 */
const RMS_NORM_GRAD = `${OP_KERNELS.rmsNorm}Grad`;
const ROPE_GRAD = `${OP_KERNELS.rope}Grad`;
export const ELEMENTWISE_KERNELS = [OP_KERNELS.rmsNorm, RMS_NORM_GRAD, OP_KERNELS.rope, ROPE_GRAD];

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function views(backend: WasmBackendLike, tensors: tf.TensorInfo[]): Float32Array[] {
  return tensors.map((tensor) => {
    if (tensor.dtype !== 'float32') throw new KernelError('elementwise', 'float32 tensors', tensor.dtype);
    return backend.typedArrayFromHeap(tensor) as Float32Array;
  });
}

// ---- RMSNorm: y = weight ⊙ x ⊙ r, r = 1/sqrt(mean(x², last axis) + eps) -----------------------------

function rmsNorm({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmBackendLike;
  const { x, weight } = inputs as { x: tf.TensorInfo; weight: tf.TensorInfo };
  const eps = Number(attrs?.eps ?? 1e-6);
  const width = x.shape[x.shape.length - 1] ?? 0;
  if (weight.shape.length !== 1 || weight.shape[0] !== width) {
    throw new KernelError('rmsNorm', `weight of shape [${width}]`, `[${weight.shape}]`);
  }
  const out = heap.makeOutput([...x.shape], 'float32');
  const [xs, ws, ys] = views(heap, [x, weight, out]) as [Float32Array, Float32Array, Float32Array];
  for (let row = 0; row < xs.length; row += width) {
    let squares = 0;
    for (let j = 0; j < width; j++) squares += xs[row + j]! * xs[row + j]!;
    const r = 1 / Math.sqrt(squares / width + eps);
    for (let j = 0; j < width; j++) ys[row + j] = ws[j]! * (xs[row + j]! * r);
  }
  return out;
}

// dx = r ⊙ g − x ⊙ r³ ⊙ mean(g ⊙ x) with g = dy ⊙ weight;  dweight = Σ_rows dy ⊙ x ⊙ r.
function rmsNormGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const heap = backend as WasmBackendLike;
  const { dy, x, weight } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; weight: tf.TensorInfo };
  const eps = Number(attrs?.eps ?? 1e-6);
  const width = weight.shape[0]!;
  const dx = heap.makeOutput([...x.shape], 'float32');
  const dw = heap.makeOutput([width], 'float32');
  const [dys, xs, ws, dxs, dws] = views(heap, [dy, x, weight, dx, dw]) as Float32Array[] as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const weightGrad = new Float64Array(width);
  for (let row = 0; row < xs.length; row += width) {
    let squares = 0;
    let gx = 0;
    for (let j = 0; j < width; j++) {
      const value = xs[row + j]!;
      squares += value * value;
      gx += dys[row + j]! * ws[j]! * value;
    }
    const r = 1 / Math.sqrt(squares / width + eps);
    const correction = (r * r * r * gx) / width;
    for (let j = 0; j < width; j++) {
      const value = xs[row + j]!;
      dxs[row + j] = r * dys[row + j]! * ws[j]! - value * correction;
      weightGrad[j]! += dys[row + j]! * value * r;
    }
  }
  dws.set(weightGrad);
  return [dx, dw];
}

// ---- RoPE (rotate-half): y = x ⊙ cos + [−x₂, x₁] ⊙ sin over the last axis; cos/sin broadcast to x --------

/** Element strides of `shape` broadcast to the 4-D `target` (0 where the dim is 1). */
function broadcastStrides(shape: readonly number[], target: readonly number[], name: string): number[] {
  if (shape.length !== 4) throw new KernelError('rope', `4-D ${name}`, `[${shape}]`);
  const strides = [0, 0, 0, 0];
  let stride = 1;
  for (let axis = 3; axis >= 0; axis--) {
    if (shape[axis] !== target[axis] && shape[axis] !== 1) {
      throw new KernelError('rope', `${name} broadcastable to [${target}]`, `[${shape}]`);
    }
    strides[axis] = shape[axis] === 1 ? 0 : stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/** Rows of a 4-D RoPE input: element offset of each row of `x` and of its cos/sin row, plus the table's column stride. */
interface RopeRows {
  rows: number;
  half: number;
  /** Element offset of row r of x is r * 2 * half. */
  tableRow: Int32Array;
  /** Stride between table columns (0 when the table broadcasts over the head dimension). */
  column: number;
}

/** Checks x/cos/sin and returns the row → table-row map RoPE loops over. */
function ropeRows(x: tf.TensorInfo, cos: tf.TensorInfo, sin: tf.TensorInfo): RopeRows {
  const shape = x.shape;
  const table = broadcastStrides(cos.shape, shape, 'cos');
  const sinTable = broadcastStrides(sin.shape, shape, 'sin');
  if (table.some((stride, axis) => stride !== sinTable[axis])) {
    throw new KernelError('rope', 'cos and sin of one shape', `[${cos.shape}] and [${sin.shape}]`);
  }
  const [d0, d1, d2, d3] = shape as [number, number, number, number];
  if (d3 % 2 !== 0) throw new KernelError('rope', 'an even head dimension', String(d3));
  const tableRow = new Int32Array(d0 * d1 * d2);
  let row = 0;
  for (let a = 0; a < d0; a++)
    for (let b = 0; b < d1; b++)
      for (let c = 0; c < d2; c++) tableRow[row++] = a * table[0]! + b * table[1]! + c * table[2]!;
  return { rows: row, half: d3 / 2, tableRow, column: table[3]! };
}

/**
 * y₁ = x₁ ⊙ cos₁ − sign · x₂ ⊙ sin₁ and y₂ = x₂ ⊙ cos₂ + sign · x₁ ⊙ sin₂ per row, where ₁/₂ are the row's
 * halves (of the table too, when it spans the head dimension). sign = 1 is RoPE; its gradient is the same
 * map with the sin halves swapped and sign = −1.
 */
function rotateRows(
  { rows, half, tableRow, column }: RopeRows,
  xs: Float32Array,
  cs: Float32Array,
  ss: Float32Array,
  ys: Float32Array,
  gradient: boolean,
): void {
  const tableHalf = column === 0 ? 0 : half * column;
  for (let r = 0; r < rows; r++) {
    const row = r * 2 * half;
    const t0 = tableRow[r]!;
    for (let j = 0; j < half; j++) {
      const i = row + j;
      const t = t0 + j * column;
      const first = xs[i]!;
      const second = xs[i + half]!;
      if (gradient) {
        ys[i] = first * cs[t]! + second * ss[t + tableHalf]!;
        ys[i + half] = second * cs[t + tableHalf]! - first * ss[t]!;
      } else {
        ys[i] = first * cs[t]! - second * ss[t]!;
        ys[i + half] = second * cs[t + tableHalf]! + first * ss[t + tableHalf]!;
      }
    }
  }
}

function rope({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmBackendLike;
  const { x, cos, sin } = inputs as { x: tf.TensorInfo; cos: tf.TensorInfo; sin: tf.TensorInfo };
  const rows = ropeRows(x, cos, sin);
  const out = heap.makeOutput([...x.shape], 'float32');
  const [xs, cs, ss, ys] = views(heap, [x, cos, sin, out]) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  rotateRows(rows, xs, cs, ss, ys, false);
  return out;
}

// dx₁ = dy₁ ⊙ cos₁ + dy₂ ⊙ sin₂;  dx₂ = dy₂ ⊙ cos₂ − dy₁ ⊙ sin₁.
function ropeGrad({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmBackendLike;
  const { dy, cos, sin } = inputs as { dy: tf.TensorInfo; cos: tf.TensorInfo; sin: tf.TensorInfo };
  const rows = ropeRows(dy, cos, sin);
  const dx = heap.makeOutput([...dy.shape], 'float32');
  const [dys, cs, ss, dxs] = views(heap, [dy, cos, sin, dx]) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  rotateRows(rows, dys, cs, ss, dxs, true);
  return dx;
}

// ---- registration ----------------------------------------------------------------------------------

const rotateHalf = (x: tf.Tensor) => {
  const [first, second] = tf.split(x, 2, -1);
  return tf.concat([tf.neg(second!), first!], -1);
};

const gradients: tf.GradConfig[] = [
  {
    kernelName: OP_KERNELS.rmsNorm,
    inputsToSave: ['x', 'weight'],
    gradFunc: (dy, saved, attrs) => {
      const [x, weight] = saved as [tf.Tensor, tf.Tensor];
      // tfjs runs each input's gradient inside its own tidy, so each call computes both and keeps its own.
      const pick = (index: 0 | 1) => () => {
        const both = tf
          .engine()
          .runKernel(RMS_NORM_GRAD, { dy: dy as tf.Tensor, x, weight }, attrs) as tf.Tensor[];
        both[1 - index]!.dispose();
        return both[index]!;
      };
      return { x: pick(0), weight: pick(1) };
    },
  },
  {
    kernelName: OP_KERNELS.rope,
    inputsToSave: ['x', 'cos', 'sin'],
    gradFunc: (dy, saved) => {
      const [x, cos, sin] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const upstream = dy as tf.Tensor;
      return {
        x: () => tf.engine().runKernel(ROPE_GRAD, { dy: upstream, cos, sin }) as tf.Tensor,
        cos: () => reduceToShape(tf.mul(upstream, x), cos.shape),
        sin: () => reduceToShape(tf.mul(upstream, rotateHalf(x)), sin.shape),
      };
    },
  },
];

const kernels: Array<[string, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]]> = [
  [OP_KERNELS.rmsNorm, rmsNorm],
  [RMS_NORM_GRAD, rmsNormGrad],
  [OP_KERNELS.rope, rope],
  [ROPE_GRAD, ropeGrad],
];

/** Registers (or, with `false`, removes) the elementwise kernels on the `wasm` backend and their gradients. */
export function setElementwiseKernels(enabled: boolean): void {
  for (const [kernelName, kernelFunc] of kernels) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    if (enabled)
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  }
  for (const gradient of gradients) {
    if (enabled) tf.registerGradient(gradient);
    else if (tf.getGradient(gradient.kernelName)) tf.unregisterGradient(gradient.kernelName);
  }
}
