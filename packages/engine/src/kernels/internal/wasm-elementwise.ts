import { KernelError } from '../../errors.js';
import { backendMemory, type WasmBackendLike } from './wasm-backend-heap.js';
import { matmulModule } from './wasm-matmul.js';
import { type WasmMemory, webAssembly } from './webassembly.js';

/** The exports of csrc/elementwise.c (pointers are byte addresses in the tfjs heap). */
export interface ElementwiseExports {
  rms_norm(x: number, weight: number, y: number, rows: number, width: number, eps: number): void;
  rms_norm_grad_x(
    dy: number,
    x: number,
    weight: number,
    dx: number,
    rows: number,
    width: number,
    eps: number,
  ): void;
  rms_norm_grad_w(
    dy: number,
    x: number,
    dw: number,
    rows: number,
    width: number,
    eps: number,
    sums: number,
  ): void;
  rope(
    x: number,
    cos: number,
    sin: number,
    y: number,
    rows: number,
    half: number,
    tableRows: number,
    column: number,
    gradient: number,
  ): void;
  swiglu(gate: number, up: number, y: number, n: number): void;
  swiglu_grad_gate(dy: number, gate: number, up: number, dgate: number, n: number): void;
  swiglu_grad_up(dy: number, gate: number, dup: number, n: number): void;
}

/**
 * csrc/elementwise.c instantiated on a tfjs `wasm` backend's own heap (one thread, zero copies), with a scratch
 * area there that grows on demand.
 */
export class WasmElementwise {
  readonly exports: ElementwiseExports;
  private scratchAddress = 0;
  private scratchBytes = 0;

  constructor(
    private readonly backend: WasmBackendLike,
    readonly memory: WasmMemory,
  ) {
    const instance = new webAssembly.Instance(matmulModule('single'), { env: { memory } });
    this.exports = instance.exports as unknown as ElementwiseExports;
  }

  /** Byte address of at least `bytes` of 8-aligned scratch. May grow the heap: take views only afterwards. */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchAddress) this.backend.wasm._free(this.scratchAddress);
      this.scratchBytes = Math.max(bytes, 2 * this.scratchBytes, 4096);
      this.scratchAddress = this.backend.wasm._malloc(this.scratchBytes) >>> 0;
    }
    return this.scratchAddress;
  }
}

const instances = new WeakMap<object, WasmElementwise>();

/** The elementwise kernels on `backend`'s heap (one instance per backend). */
export function wasmElementwise(backend: WasmBackendLike): WasmElementwise {
  let instance = instances.get(backend);
  if (!instance) {
    const memory = backendMemory(backend);
    if (!memory) throw new KernelError('elementwise', 'access to the wasm backend heap', 'a hidden heap');
    instance = new WasmElementwise(backend, memory);
    instances.set(backend, instance);
  }
  return instance;
}
