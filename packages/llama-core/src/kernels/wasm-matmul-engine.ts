import type * as tf from '@tensorflow/tfjs';
import { backendMemory, heapAddress, type WasmBackendLike } from './internal/wasm-backend-heap.js';
import { ForeignMemoryMatMul, SharedMemoryMatMul } from './internal/wasm-matmul.js';
import { webAssembly } from './internal/webassembly.js';
import { KernelError } from './kernel-error.js';
import type { MatMulEngine } from './matmul-engine.js';
import { type MatMulPlan, planFloat32MatMul } from './matmul-plan.js';

/** Products below this many flops run on the calling thread (thread hand-off and copies cost more). */
const PARALLEL_MIN_FLOPS = 8e6;
/** Products moving more than one element per this many flops run on the calling thread (copies dominate). */
const PARALLEL_MIN_INTENSITY = 24;

/** Counters of how products were dispatched (for benchmarks and tests). */
export interface MatMulDispatchStats {
  /** Products computed in place on the tfjs heap by the calling thread. */
  inPlace: number;
  /** Products copied to the shared memory and computed by all threads. */
  threaded: number;
  /** One-row products left to tfjs's XNNPACK path (see use-kernels.ts). */
  delegated: number;
}

/**
 * The project's WebAssembly SIMD matMul as a tfjs `wasm` backend kernel. Products run either in place on
 * tfjs's heap (one thread, zero copies: matrix-vector products, small products) or on `threads` threads over a
 * separate shared memory (operands copied in, product copied out).
 */
export class WasmMatMulEngine implements MatMulEngine {
  readonly name = 'wasm';
  readonly threads: number;
  readonly stats: MatMulDispatchStats = { inPlace: 0, threaded: 0, delegated: 0 };
  private shared: SharedMemoryMatMul | undefined;
  private readonly foreign = new WeakMap<object, ForeignMemoryMatMul | null>();

  constructor(options: {
    /** Threads including the caller's; 1 = never start workers. */
    threads: number;
  }) {
    this.threads = Math.max(1, Math.floor(options.threads));
    if (this.threads > 1) this.shared = new SharedMemoryMatMul({ threads: this.threads });
  }

  /** The engine that computes in place on `backend`'s heap, or null where tfjs hides its memory. */
  private inPlaceEngine(backend: WasmBackendLike): ForeignMemoryMatMul | null {
    let engine = this.foreign.get(backend);
    if (engine === undefined) {
      const memory = backendMemory(backend);
      engine = memory
        ? new ForeignMemoryMatMul(memory, {
            malloc: (bytes) => backend.wasm._malloc(bytes),
            free: (address) => backend.wasm._free(address),
          })
        : null;
      this.foreign.set(backend, engine);
    }
    return engine;
  }

  /** Whether to hand a product to the threads; `moved` = elements copied in and out. */
  private shouldThread(plan: MatMulPlan, moved: number): boolean {
    if (!this.shared || plan.m === 1 || plan.n === 1) return false;
    const flops = 2 * plan.batch * plan.m * plan.n * plan.k;
    return flops >= PARALLEL_MIN_FLOPS && flops / moved >= PARALLEL_MIN_INTENSITY;
  }

  /** tfjs BatchMatMul on the wasm backend: `inputs.a` · `inputs.b` with `attrs.transposeA/B`. */
  batchMatMul(
    backend: WasmBackendLike,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
  ): tf.TensorInfo {
    const plan = planFloat32MatMul(a, b, transposeA, transposeB);
    const size = plan.batch * plan.m * plan.n;
    const moved = size + sizeOf(a.shape) + sizeOf(b.shape);
    const inPlace = this.shouldThread(plan, moved) ? null : this.inPlaceEngine(backend);
    // Everything that can grow the heap (job space, the output) happens before any address or view is taken.
    inPlace?.reserve(plan.batch);
    const out = backend.makeOutput(plan.outShape, 'float32');
    if (size === 0) return out;
    if (inPlace) {
      inPlace.run(heapAddress(backend, a), heapAddress(backend, b), heapAddress(backend, out), plan);
      this.stats.inPlace++;
      return out;
    }
    if (!this.shared) {
      throw new KernelError('wasm', 'access to the wasm backend heap or a thread pool', 'neither');
    }
    const views = [a, b, out].map((tensor) => backend.typedArrayFromHeap(tensor) as Float32Array);
    this.shared.run(views[0]!, views[1]!, views[2]!, plan);
    this.stats.threaded++;
    return out;
  }

  /** Runs the engine's products outside tfjs (self-check, benchmarks): both paths, on private memory. */
  multiplyDirect(
    a: Float32Array,
    b: Float32Array,
    plan: MatMulPlan,
    path: 'in-place' | 'threaded',
  ): Float32Array {
    const out = new Float32Array(plan.batch * plan.m * plan.n);
    if (path === 'threaded') {
      if (!this.shared) throw new KernelError('wasm', 'a thread pool', `threads=${this.threads}`);
      this.shared.run(a, b, out, plan);
      return out;
    }
    // The module's import asks for 2 pages (lld's unused stack region); operands go above them.
    const memory = new webAssembly.Memory({ initial: 2 });
    let top = 2 << 16;
    const malloc = (bytes: number): number => {
      const address = top;
      top += Math.ceil((bytes + 1) / 64) * 64;
      if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
      return address;
    };
    const engine = new ForeignMemoryMatMul(memory, { malloc, free: () => {} });
    engine.reserve(plan.batch);
    const [aAddress, bAddress, outAddress] = [a.byteLength, b.byteLength, out.byteLength].map(malloc);
    new Float32Array(memory.buffer, aAddress, a.length).set(a);
    new Float32Array(memory.buffer, bAddress, b.length).set(b);
    engine.run(aAddress!, bAddress!, outAddress!, plan);
    out.set(new Float32Array(memory.buffer, outAddress, out.length));
    return out;
  }

  /** Stops the worker threads. */
  close(): void {
    this.shared?.close();
    this.shared = undefined;
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}
