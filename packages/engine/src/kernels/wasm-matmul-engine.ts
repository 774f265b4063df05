import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from '../errors.js';
import { PackedWeightCache } from './internal/packed-weights.js';
import { packedGemvBytes, SharedMemoryMatMul } from './internal/shared-memory-matmul.js';
import { backendMemory, heapAddress, type WasmBackendLike } from './internal/wasm-backend-heap.js';
import { ForeignMemoryMatMul } from './internal/wasm-matmul.js';
import { webAssembly } from './internal/webassembly.js';
import type { MatMulEngine } from './matmul-engine.js';
import { type MatMulPlan, planFloat32MatMul } from './matmul-plan.js';

/** Products below this many flops run on the calling thread (thread hand-off and copies cost more). */
const PARALLEL_MIN_FLOPS = 8e6;
/**
 * One-row products with smaller weights stay on XNNPACK: such a weight sits in cache, and the hand-off to the
 * threads costs more than it saves (20M decode: 213 vs 234 tok/s when every weight was packed).
 */
const PACKED_MIN_WEIGHT = 1 << 18;
/** Products moving more than one element per this many flops run on the calling thread (copies dominate). */
const PARALLEL_MIN_INTENSITY = 24;

/** Counters of how products were dispatched (for benchmarks and tests). */
export interface MatMulDispatchStats {
  /** Products computed in place on the tfjs heap by the calling thread. */
  inPlace: number;
  /** Products copied to the shared memory and computed by all threads. */
  threaded: number;
  /** One-row products computed by all threads on a weight packed once into the shared memory. */
  packed: number;
  /** One-row products left to tfjs's XNNPACK path (one thread; see use-kernels.ts). */
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
  readonly stats: MatMulDispatchStats = { inPlace: 0, threaded: 0, packed: 0, delegated: 0 };
  private shared: SharedMemoryMatMul | undefined;
  private packed: PackedWeightCache | undefined;
  private readonly foreign = new WeakMap<object, ForeignMemoryMatMul | null>();

  constructor(options: {
    /** Threads including the caller's; 1 = never start workers. */
    threads: number;
  }) {
    this.threads = Math.max(1, Math.floor(options.threads));
    if (this.threads > 1) {
      this.shared = new SharedMemoryMatMul({ threads: this.threads });
      this.packed = new PackedWeightCache(this.shared);
    }
  }

  /** Weights packed for one-row products now (0 on one thread, where XNNPACK serves them). */
  get packedWeights(): number {
    return this.packed?.size ?? 0;
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
    const moved = size + tf.util.sizeFromShape(a.shape) + tf.util.sizeFromShape(b.shape);
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

  /**
   * `[1, k]` · `[k, n]` on all threads from the weight packed once into the shared memory (decoding: the weight
   * is not copied again). Undefined on one thread and for weights under 2¹⁸ elements: tfjs's XNNPACK path is
   * faster there.
   */
  vectorProduct(backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | undefined {
    if (!this.shared || !this.packed) return undefined;
    const plan = planFloat32MatMul(a, b, false, false);
    if (plan.k * plan.n < PACKED_MIN_WEIGHT) return undefined;
    let panels: number;
    try {
      // The weight's view is used before makeOutput, which may grow the heap and detach older views.
      const weight = backend.typedArrayFromHeap(b) as Float32Array;
      panels = this.packed.lookup(backend, b.dataId, weight, plan.k, plan.n);
    } catch (error) {
      // The shared memory cannot grow (4 GiB, or the host's memory): leave decoding to XNNPACK from here on.
      if (!(error instanceof RangeError)) throw error;
      this.packed = undefined;
      console.warn(`[@lawgpt/engine] packing decode weights stopped (${error.message}); using XNNPACK`);
      return undefined;
    }
    const out = backend.makeOutput(plan.outShape, 'float32');
    const [x, y] = [a, out].map((tensor) => backend.typedArrayFromHeap(tensor) as Float32Array);
    this.shared.runPackedGemv(x!, panels, plan.k, plan.n, y!);
    this.stats.packed++;
    return out;
  }

  /** Runs the engine's products outside tfjs (self-check, benchmarks) on private memory, by the given path. */
  multiplyDirect(
    a: Float32Array,
    b: Float32Array,
    plan: MatMulPlan,
    path: 'in-place' | 'threaded' | 'packed',
  ): Float32Array {
    const out = new Float32Array(plan.batch * plan.m * plan.n);
    if (path === 'packed') {
      if (!this.shared) throw new KernelError('wasm', 'a thread pool', `threads=${this.threads}`);
      if (plan.m !== 1 || plan.batch !== 1 || plan.transA || plan.transB) {
        throw new KernelError(
          'wasm',
          'a one-row untransposed product for the packed path',
          `[${plan.outShape}]`,
        );
      }
      const bytes = packedGemvBytes(plan.k, plan.n);
      const panels = this.shared.allocate(bytes);
      this.shared.packWeight(b, plan.k, plan.n, panels);
      this.shared.runPackedGemv(a, panels, plan.k, plan.n, out);
      this.shared.release(panels, bytes);
      return out;
    }
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
    this.packed = undefined;
  }
}
