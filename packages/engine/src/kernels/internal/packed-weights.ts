import { packedGemvBytes, type SharedMemoryMatMul } from './shared-memory-matmul.js';
import type { WasmBackendLike } from './wasm-backend-heap.js';

interface PackedWeight {
  address: number;
  bytes: number;
  backend: WasmBackendLike;
  /** [element index, value] pairs of the source at packing time. */
  samples: Array<[number, number]>;
}

/** Elements compared on each use to tell that a weight's data is still what was packed. */
const SAMPLES = 8;

/**
 * Decode weights packed once into the engine's shared memory, so one-row products run on every thread without
 * copying the weight each call (tfjs's heap is not shared: worker threads cannot read it). Keyed by the tfjs
 * `dataId` — tensor data is immutable — with a few sampled elements re-checked on each use as a guard; blocks
 * of disposed tensors are reused. Costs one packed copy per weight, as XNNPACK's cache does for the products it
 * serves.
 */
export class PackedWeightCache {
  private readonly entries = new Map<object, PackedWeight>();

  constructor(private readonly shared: SharedMemoryMatMul) {}

  /** Number of weights packed now. */
  get size(): number {
    return this.entries.size;
  }

  /** Address of the packed `[k, n]` weight whose heap values are `values`, packing it if needed. */
  lookup(backend: WasmBackendLike, dataId: object, values: Float32Array, k: number, n: number): number {
    let entry = this.entries.get(dataId);
    if (entry && !entry.samples.every(([index, value]) => Object.is(values[index], value))) {
      this.drop(dataId, entry);
      entry = undefined;
    }
    if (!entry) {
      this.sweep();
      const bytes = packedGemvBytes(k, n);
      const address = this.shared.allocate(bytes);
      this.shared.packWeight(values, k, n, address);
      const samples = sampleIndices(values.length).map((index): [number, number] => [index, values[index]!]);
      entry = { address, bytes, backend, samples };
      this.entries.set(dataId, entry);
    }
    return entry.address;
  }

  /** Releases the blocks of weights their backend has disposed. */
  private sweep(): void {
    for (const [dataId, entry] of this.entries) {
      if (!entry.backend.dataIdMap.has(dataId)) this.drop(dataId, entry);
    }
  }

  private drop(dataId: object, entry: PackedWeight): void {
    this.shared.release(entry.address, entry.bytes);
    this.entries.delete(dataId);
  }
}

/** SAMPLES indices spread over [0, length). */
function sampleIndices(length: number): number[] {
  const count = Math.min(SAMPLES, length);
  return Array.from({ length: count }, (_, i) => Math.floor((i * (length - 1)) / Math.max(1, count - 1)));
}
