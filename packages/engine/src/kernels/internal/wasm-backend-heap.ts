import type * as tf from '@tensorflow/tfjs-core';
import { type WasmMemory, webAssembly } from './webassembly.js';

/** The parts of tfjs-backend-wasm's `BackendWasm` the kernels use (4.22.0). */
export interface WasmBackendLike {
  wasm: {
    _malloc(bytes: number): number;
    _free(address: number): void;
    HEAPU8: Uint8Array;
    asm?: { memory?: WasmMemory };
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined; has(dataId: object): boolean };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(tensor: tf.TensorInfo): tf.TypedArray;
  disposeData(dataId: object): boolean;
}

/** tfjs's own WasmMemory (Emscripten keeps it as `asm.memory`), or undefined where it is hidden. */
export function backendMemory(backend: WasmBackendLike): WasmMemory | undefined {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof webAssembly.Memory)) return undefined;
  return memory.buffer === backend.wasm.HEAPU8.buffer ? memory : undefined;
}

/** Byte address of a tensor's data in the wasm heap. */
export function heapAddress(backend: WasmBackendLike, tensor: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (!data) throw new Error(`tensor ${String(tensor.dataId)} is not on the wasm backend`);
  return data.memoryOffset >>> 0;
}
