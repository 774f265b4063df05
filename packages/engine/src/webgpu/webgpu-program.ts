import type * as tf from '@tensorflow/tfjs-core';

/** A uniform value of a program: tfjs-backend-webgpu packs these after its own shape uniforms. */
export interface ProgramUniform {
  type: 'int32' | 'float32';
  data: number[];
}

/** The part of tfjs-backend-webgpu's `WebGPUProgram` our kernels fill in (kept local: the package is optional). */
export interface WebgpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  getUserCode: () => string;
}

/** The methods of tfjs-backend-webgpu's `WebGPUBackend` the kernels call. */
export interface WebgpuBackendLike {
  runWebGPUProgram(
    program: WebgpuProgram,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: ProgramUniform[],
    output?: tf.TensorInfo,
  ): tf.TensorInfo;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Int32Array | Float32Array): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Threads per workgroup of every kernel here (the row reductions assume it). */
export const WORKGROUP = 64;

/** A WGSL tree sum over the workgroup's 64 threads; call it from uniform control flow only. */
export const REDUCE_SUM = /* wgsl */ `
var<workgroup> partial : array<f32, ${WORKGROUP}>;
fn reduceSum(tid : i32, value : f32) -> f32 {
  partial[tid] = value;
  workgroupBarrier();
  for (var stride = ${WORKGROUP / 2}; stride > 0; stride = stride >> 1) {
    if (tid < stride) { partial[tid] = partial[tid] + partial[tid + stride]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}`;

/** A WGSL tree max over the workgroup's 64 threads (shares {@link REDUCE_SUM}'s `partial`; include both). */
export const REDUCE_MAX = /* wgsl */ `
fn reduceMax(tid : i32, value : f32) -> f32 {
  partial[tid] = value;
  workgroupBarrier();
  for (var stride = ${WORKGROUP / 2}; stride > 0; stride = stride >> 1) {
    if (tid < stride) { partial[tid] = max(partial[tid], partial[tid + stride]); }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}`;

/** WGSL `roundToHalf(v)`: v rounded to the nearest f16 value (ties to even; ±∞ past 65504), as f32, exactly. */
export const ROUND_TO_HALF = /* wgsl */ `
fn roundToHalf(v : f32) -> f32 {
  if (v == 0.0) { return v; }
  let e = max(i32((bitcast<u32>(v) >> 23u) & 0xffu) - 127, -14);
  let rounded = ldexp(round(ldexp(v, 10 - e)), e - 10);
  if (abs(rounded) > 65504.0) { return select(uniforms.INFINITY, -uniforms.INFINITY, v < 0.0); }
  return rounded;
}`;

/** A scalar uniform: name, WGSL type, value. */
export type Uniform = [name: string, type: 'i32' | 'f32', value: number];

/**
 * Runs `body` (WGSL defining `fn main(index : i32)`) over `groups` workgroups of {@link WORKGROUP} threads, with
 * the named `inputs` bound as storage arrays and `uniforms` as scalars of `uniforms`; returns a new float32
 * tensor of `outputShape` (`result` in WGSL), or writes into `output` in place when given. tfjs reshapes a dispatch over the per-dimension limit; `index` is
 * the flat thread index either way, so a kernel guards against threads past its work.
 */
export function runProgram(
  backend: WebgpuBackendLike,
  options: {
    key: string;
    inputs: Array<[string, tf.TensorInfo]>;
    outputShape: number[];
    groups: number;
    uniforms: Uniform[];
    body: string;
    output?: tf.TensorInfo;
  },
): tf.TensorInfo {
  const { key, inputs, outputShape, groups, uniforms, body, output } = options;
  const program: WebgpuProgram = {
    variableNames: inputs.map(([name]) => name),
    outputShape,
    shaderKey: `lawgpt_${key}`,
    dispatchLayout: { x: outputShape.map((_, axis) => axis) },
    dispatch: [Math.max(1, groups), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: uniforms.map(([name, type]) => `${name} : ${type}, `).join(''),
    getUserCode: () => body,
  };
  const values: ProgramUniform[] = uniforms.map(([, type, value]) => ({
    type: type === 'i32' ? 'int32' : 'float32',
    data: [value],
  }));
  return backend.runWebGPUProgram(
    program,
    inputs.map(([, tensor]) => tensor),
    'float32',
    values,
    output,
  );
}

/** Workgroups covering `n` threads. */
export const groupsFor = (n: number) => Math.ceil(n / WORKGROUP);
