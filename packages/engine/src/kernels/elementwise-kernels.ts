import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from '../errors.js';
import { OP_KERNELS } from '../ops/named-op.js';
import { reduceToShape } from './batch-mat-mul-gradient.js';
import { heapAddress, type WasmBackendLike } from './internal/wasm-backend-heap.js';
import { type ElementwiseExports, wasmElementwise } from './internal/wasm-elementwise.js';

/**
 * RMSNorm, RoPE and SwiGLU as single kernels on the tfjs `wasm` backend — csrc/elementwise.c (WASM SIMD) run in
 * place on tfjs's heap — replacing the 3–10 stock kernels each composite op runs, with gradients (each input's
 * gradient its own kernel: tfjs asks for them one at a time). They plug into the model's named ops
 * (src/ops/named-op.ts: the op runs the kernel when one is registered).
 */
export const RMS_NORM_GRAD_X = `${OP_KERNELS.rmsNorm}GradX`;
export const RMS_NORM_GRAD_W = `${OP_KERNELS.rmsNorm}GradW`;
export const ROPE_GRAD = `${OP_KERNELS.rope}Grad`;
export const SWIGLU_GRAD_GATE = `${OP_KERNELS.swiGlu}GradGate`;
export const SWIGLU_GRAD_UP = `${OP_KERNELS.swiGlu}GradUp`;
export const ELEMENTWISE_KERNELS = [
  OP_KERNELS.rmsNorm,
  RMS_NORM_GRAD_X,
  RMS_NORM_GRAD_W,
  OP_KERNELS.rope,
  ROPE_GRAD,
  OP_KERNELS.swiGlu,
  SWIGLU_GRAD_GATE,
  SWIGLU_GRAD_UP,
];

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Heap byte addresses of float32 tensors (named in the error otherwise). */
function addresses(heap: WasmBackendLike, kernel: string, tensors: tf.TensorInfo[]): number[] {
  return tensors.map((tensor) => {
    if (tensor.dtype !== 'float32') throw new KernelError(kernel, 'float32 tensors', tensor.dtype);
    return heapAddress(heap, tensor);
  });
}

// ---- RMSNorm: y = weight ⊙ x ⊙ r, r = 1/sqrt(mean(x², last axis) + eps) -----------------------------

/** Rows and width of an RMSNorm over x's last axis, checking the weight when there is one. */
function normRows(x: tf.TensorInfo, weight?: tf.TensorInfo): { rows: number; width: number } {
  const width = x.shape[x.shape.length - 1] ?? 0;
  if (weight && (weight.shape.length !== 1 || weight.shape[0] !== width)) {
    throw new KernelError('rmsNorm', `weight of shape [${width}]`, `[${weight.shape}]`);
  }
  return { rows: width === 0 ? 0 : tf.util.sizeFromShape(x.shape) / width, width };
}

function rmsNorm({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmBackendLike;
  const { x, weight } = inputs as { x: tf.TensorInfo; weight: tf.TensorInfo };
  const { rows, width } = normRows(x, weight);
  const out = heap.makeOutput([...x.shape], 'float32');
  const [xs, ws, ys] = addresses(heap, 'rmsNorm', [x, weight, out]) as [number, number, number];
  wasmElementwise(heap).exports.rms_norm(xs, ws, ys, rows, width, Number(attrs?.eps ?? 1e-6));
  return out;
}

// dx = r ⊙ dy ⊙ weight − x ⊙ r³ ⊙ mean(dy ⊙ weight ⊙ x)
function rmsNormGradX({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmBackendLike;
  const { dy, x, weight } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; weight: tf.TensorInfo };
  const { rows, width } = normRows(x, weight);
  const dx = heap.makeOutput([...x.shape], 'float32');
  const [dys, xs, ws, dxs] = addresses(heap, 'rmsNorm', [dy, x, weight, dx]) as [
    number,
    number,
    number,
    number,
  ];
  wasmElementwise(heap).exports.rms_norm_grad_x(dys, xs, ws, dxs, rows, width, Number(attrs?.eps ?? 1e-6));
  return dx;
}

// dweight = Σ_rows dy ⊙ x ⊙ r (float64 sums)
function rmsNormGradW({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmBackendLike;
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const { rows, width } = normRows(x);
  const dw = heap.makeOutput([width], 'float32');
  const kernels = wasmElementwise(heap);
  const sums = kernels.scratch(width * 8);
  const [dys, xs, dws] = addresses(heap, 'rmsNorm', [dy, x, dw]) as [number, number, number];
  kernels.exports.rms_norm_grad_w(dys, xs, dws, rows, width, Number(attrs?.eps ?? 1e-6), sums);
  return dw;
}

// ---- RoPE (rotate-half): y = x ⊙ cos + [−x₂, x₁] ⊙ sin over the last axis; cos/sin broadcast to x --------

/** Element strides of `shape` broadcast to the 4-D `target` (0 where the dim is 1). */
export function broadcastStrides(
  shape: readonly number[],
  target: readonly number[],
  name: string,
): number[] {
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

/** Rows of a 4-D RoPE input: each row's cos/sin offset, half the head dimension, the table's column stride. */
interface RopeRows {
  rows: number;
  half: number;
  tableRow: Int32Array;
  /** 1 when the table spans the head dimension, 0 when one value serves the row. */
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
  return { rows: row, half: d3 / 2, tableRow, column: table[3]! === 0 ? 0 : 1 };
}

/** RoPE (`gradient` false) or its transpose (true) of `x` into a new tensor. */
function rotate(
  heap: WasmBackendLike,
  x: tf.TensorInfo,
  cos: tf.TensorInfo,
  sin: tf.TensorInfo,
  gradient: boolean,
) {
  const { rows, half, tableRow, column } = ropeRows(x, cos, sin);
  const out = heap.makeOutput([...x.shape], 'float32');
  const kernels = wasmElementwise(heap);
  const tableRows = kernels.scratch(rows * 4);
  new Int32Array(kernels.memory.buffer, tableRows, rows).set(tableRow);
  const [xs, cs, ss, ys] = addresses(heap, 'rope', [x, cos, sin, out]) as [number, number, number, number];
  kernels.exports.rope(xs, cs, ss, ys, rows, half, tableRows, column, gradient ? 1 : 0);
  return out;
}

function rope({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x, cos, sin } = inputs as { x: tf.TensorInfo; cos: tf.TensorInfo; sin: tf.TensorInfo };
  return rotate(backend as WasmBackendLike, x, cos, sin, false);
}

// dx₁ = dy₁ ⊙ cos₁ + dy₂ ⊙ sin₂;  dx₂ = dy₂ ⊙ cos₂ − dy₁ ⊙ sin₁.
function ropeGrad({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, cos, sin } = inputs as { dy: tf.TensorInfo; cos: tf.TensorInfo; sin: tf.TensorInfo };
  return rotate(backend as WasmBackendLike, dy, cos, sin, true);
}

// ---- SwiGLU: y = silu(gate) ⊙ up -------------------------------------------------------------------------

/** Element count of `tensors`, which must all have the first one's shape. */
function sameShape(tensors: tf.TensorInfo[]): number {
  const shape = tensors[0]!.shape;
  for (const tensor of tensors) {
    if (tensor.shape.length !== shape.length || tensor.shape.some((size, axis) => size !== shape[axis])) {
      throw new KernelError('swiGlu', `gate and up of one shape [${shape}]`, `[${tensor.shape}]`);
    }
  }
  return tf.util.sizeFromShape(shape);
}

/** A SwiGLU kernel over same-shape `names` (gate first): one output of that shape, computed by `run`. */
function swiGluKernel(
  names: string[],
  run: (kernels: ElementwiseExports, pointers: number[], n: number) => void,
): (args: KernelArgs) => tf.TensorInfo {
  return ({ inputs, backend }) => {
    const heap = backend as WasmBackendLike;
    const tensors = names.map((name) => inputs[name]!);
    const n = sameShape(tensors);
    const out = heap.makeOutput([...tensors[0]!.shape], 'float32');
    run(wasmElementwise(heap).exports, addresses(heap, 'swiGlu', [...tensors, out]), n);
    return out;
  };
}

const swiGlu = swiGluKernel(['gate', 'up'], (kernels, [gate, up, y], n) => kernels.swiglu(gate!, up!, y!, n));
// dgate = dy ⊙ up ⊙ σ(g)(1 + g(1 − σ(g)))
const swiGluGradGate = swiGluKernel(['gate', 'up', 'dy'], (kernels, [gate, up, dy, out], n) =>
  kernels.swiglu_grad_gate(dy!, gate!, up!, out!, n),
);
// dup = dy ⊙ silu(gate)
const swiGluGradUp = swiGluKernel(['gate', 'dy'], (kernels, [gate, dy, out], n) =>
  kernels.swiglu_grad_up(dy!, gate!, out!, n),
);

// ---- registration ----------------------------------------------------------------------------------

const rotateHalf = (x: tf.Tensor) => {
  const [first, second] = tf.split(x, 2, -1);
  return tf.concat([tf.neg(second!), first!], -1);
};

const run = (kernel: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) =>
  tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;

/** Gradients of the named ops, each input's its own kernel (registered for every backend that has them). */
export const ELEMENTWISE_GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: OP_KERNELS.rmsNorm,
    inputsToSave: ['x', 'weight'],
    gradFunc: (dy, saved, attrs) => {
      const [x, weight] = saved as [tf.Tensor, tf.Tensor];
      return {
        x: () => run(RMS_NORM_GRAD_X, { dy: dy as tf.Tensor, x, weight }, attrs),
        weight: () => run(RMS_NORM_GRAD_W, { dy: dy as tf.Tensor, x }, attrs),
      };
    },
  },
  {
    kernelName: OP_KERNELS.rope,
    inputsToSave: ['x', 'cos', 'sin'],
    gradFunc: (dy, saved) => {
      const [x, cos, sin] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const upstream = dy as tf.Tensor;
      return {
        x: () => run(ROPE_GRAD, { dy: upstream, cos, sin }),
        cos: () => reduceToShape(tf.mul(upstream, x), cos.shape),
        sin: () => reduceToShape(tf.mul(upstream, rotateHalf(x)), sin.shape),
      };
    },
  },
  {
    kernelName: OP_KERNELS.swiGlu,
    inputsToSave: ['gate', 'up'],
    gradFunc: (dy, saved) => {
      const [gate, up] = saved as [tf.Tensor, tf.Tensor];
      return {
        gate: () => run(SWIGLU_GRAD_GATE, { dy: dy as tf.Tensor, gate, up }),
        up: () => run(SWIGLU_GRAD_UP, { dy: dy as tf.Tensor, gate }),
      };
    },
  },
];

const kernels: Array<[string, (args: KernelArgs) => tf.TensorInfo]> = [
  [OP_KERNELS.rmsNorm, rmsNorm],
  [RMS_NORM_GRAD_X, rmsNormGradX],
  [RMS_NORM_GRAD_W, rmsNormGradW],
  [OP_KERNELS.rope, rope],
  [ROPE_GRAD, ropeGrad],
  [OP_KERNELS.swiGlu, swiGlu],
  [SWIGLU_GRAD_GATE, swiGluGradGate],
  [SWIGLU_GRAD_UP, swiGluGradUp],
];

/** Registers (or, with `false`, removes) the elementwise kernels on the `wasm` backend and their gradients. */
export function setElementwiseKernels(enabled: boolean): void {
  for (const [kernelName, kernelFunc] of kernels) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    if (enabled)
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  }
  for (const gradient of ELEMENTWISE_GRADIENTS) {
    if (enabled) tf.registerGradient(gradient);
    // The webgpu kernels (src/webgpu/) use the same gradients: keep them while those are registered.
    else if (tf.getGradient(gradient.kernelName) && !tf.getKernel(gradient.kernelName, 'webgpu')) {
      tf.unregisterGradient(gradient.kernelName);
    }
  }
}
