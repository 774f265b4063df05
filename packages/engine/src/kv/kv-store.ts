import { EngineError } from '../errors.js';
import { enginePool } from '../kernels/internal/engine-pool.js';
import { align, JOB_ADDRESS } from '../weights/internal/arena.js';
import { nativeProducts } from '../weights/stored-matmul.js';
import { type EngineBlock, weightStore } from '../weights/weight-store.js';

/** Element format of a KV cache: float32, or IEEE half (half the memory, values rounded when written). */
export type KvFormat = 'f32' | 'f16';

/** Options of {@link KvStore}. */
export interface KvStoreOptions {
  layers: number;
  kvHeads: number;
  /** Must be a multiple of 4. */
  headDim: number;
  /** Default `f32`. */
  format?: KvFormat;
  /** Positions to reserve at first (grows by doubling). Default 256. */
  capacity?: number;
}

/** One attention call on a layer (see {@link KvStore.attend}). */
export interface KvAttendRequest {
  layer: number;
  /** Queries `[batch][heads][queries][headDim]` (float32). */
  q: Float32Array;
  /** New keys and values `[batch][kvHeads][queries][headDim]`, written at `position` first. */
  k: Float32Array;
  v: Float32Array;
  heads: number;
  queries: number;
  /** Where the new keys go: the number of positions already cached. */
  position: number;
  /** Additive mask `[biasBatch][queries][position + queries]`, or undefined for none. */
  bias?: Float32Array;
  biasBatch?: number;
  scale: number;
  /** Output `[batch][heads][queries][headDim]`. */
  out: Float32Array;
}

const JOB_ATTENTION = 5;

/**
 * Keys and values of every layer held in the engine's memory, written in place as decoding goes (no copy of the
 * past per step, as a tfjs concat would make), as float32 or half, outside tfjs's 4 GiB heap. One block per layer
 * holds K then V, each `[batch][kvHeads][capacity][headDim]`; attention reads them where they lie
 * (csrc/attention.c, on every thread).
 */
export class KvStore {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly format: KvFormat;
  /** Rows per layer, fixed by the first write (undefined while empty). */
  batch: number | undefined;
  capacity: number;
  private blocks: Array<EngineBlock | undefined>;

  constructor({ layers, kvHeads, headDim, format = 'f32', capacity = 256 }: KvStoreOptions) {
    if (headDim % 4 !== 0)
      throw new EngineError(`KV cache: head_dim must be a multiple of 4, got ${headDim}`);
    this.layers = layers;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.format = format;
    this.capacity = capacity;
    this.blocks = new Array(layers).fill(undefined);
  }

  private get element(): number {
    return this.format === 'f16' ? 2 : 4;
  }

  /** Bytes of one layer's K (or V) for `batch` rows at `capacity` positions. */
  private half(batch: number, capacity: number): number {
    return batch * this.kvHeads * capacity * this.headDim * this.element;
  }

  /** Bytes the cache holds now. */
  get bytes(): number {
    return this.blocks.reduce((sum, block) => sum + (block?.bytes ?? 0), 0);
  }

  /**
   * Makes room for `needed` positions of `batch` rows, keeping the first `filled` positions (capacity doubles,
   * so growing costs one copy per doubling).
   */
  ensure(batch: number, needed: number, filled: number): void {
    if (this.batch !== undefined && this.batch !== batch) {
      throw new EngineError(`KV cache holds ${this.batch} rows, got ${batch}`);
    }
    this.batch = batch;
    if (needed <= this.capacity && this.blocks.every(Boolean)) return;
    const capacity = needed <= this.capacity ? this.capacity : Math.max(needed, 2 * this.capacity);
    this.blocks = this.blocks.map((old, layer) =>
      this.moved(old, layer, batch, batch, capacity, filled, (row) => row),
    );
    this.capacity = capacity;
  }

  /** Keeps the given rows, in that order (beam search, finished rows dropped). */
  reorder(rows: number[], filled: number): void {
    const batch = this.batch;
    if (batch === undefined) return;
    if (this.device) {
      this.device.reorder(rows, filled);
      this.batch = rows.length;
      return;
    }
    this.blocks = this.blocks.map((old, layer) =>
      this.moved(old, layer, batch, rows.length, this.capacity, filled, (row) => rows[row]!),
    );
    this.batch = rows.length;
  }

  /** A new block for `layer` with `filled` positions of each new row r copied from old row `from(r)`. */
  private moved(
    old: EngineBlock | undefined,
    layer: number,
    oldBatch: number,
    batch: number,
    capacity: number,
    filled: number,
    from: (row: number) => number,
  ): EngineBlock {
    const block = weightStore().allocateBlock(2 * this.half(batch, capacity), `KV cache layer ${layer}`);
    if (old && filled > 0) {
      const rowBytes = this.headDim * this.element;
      const source = new Uint8Array(old.arena.buffer, old.address, old.bytes);
      const target = new Uint8Array(block.arena.buffer, block.address, block.bytes);
      for (let part = 0; part < 2; part++) {
        const sourceBase = part * this.half(oldBatch, this.capacity);
        const targetBase = part * this.half(batch, capacity);
        for (let b = 0; b < batch; b++) {
          for (let h = 0; h < this.kvHeads; h++) {
            const s = sourceBase + (from(b) * this.kvHeads + h) * this.capacity * rowBytes;
            const t = targetBase + (b * this.kvHeads + h) * capacity * rowBytes;
            target.set(source.subarray(s, s + filled * rowBytes), t);
          }
        }
      }
    }
    old?.release();
    return block;
  }

  /** Writes the new keys and values of a layer at `position`, then attends every query row to all positions. */
  attend(request: KvAttendRequest): void {
    const { layer, q, k, v, heads, queries, position, bias, biasBatch = 1, scale, out } = request;
    const batch = this.batch!;
    const block = this.blocks[layer];
    if (!block) throw new EngineError(`KV cache: layer ${layer} has no block (call ensure first)`);
    const { arena } = block;
    const keys = position + queries;
    const hd = this.headDim;
    const native = nativeProducts();
    if (native && typeof native.addon.attention === 'function') {
      this.append(block, k, v, position, queries);
      const dims = Int32Array.of(
        batch,
        heads,
        this.kvHeads,
        queries,
        hd,
        this.capacity,
        keys,
        this.format === 'f16' ? 1 : 0,
        biasBatch,
        native.threads,
      );
      native.addon.attention(
        new Uint8Array(arena.buffer, block.address, block.bytes),
        q,
        out,
        dims,
        scale,
        bias ?? null,
      );
      return;
    }
    const threads = enginePool().threads;
    const scratchBytes = align((keys + hd) * 4, 64);
    const qAddress = arena.operandBase;
    const kAddress = align(qAddress + q.byteLength, 64);
    const vAddress = align(kAddress + k.byteLength, 64);
    const biasAddress = align(vAddress + v.byteLength, 64);
    const outAddress = align(biasAddress + (bias?.byteLength ?? 0), 64);
    const scratch = align(outAddress + out.byteLength, 64);
    arena.ensure(scratch + threads * scratchBytes);
    const buffer = arena.buffer;
    new Float32Array(buffer, qAddress, q.length).set(q);
    new Float32Array(buffer, kAddress, k.length).set(k);
    new Float32Array(buffer, vAddress, v.length).set(v);
    if (bias) new Float32Array(buffer, biasAddress, bias.length).set(bias);
    const f16 = this.format === 'f16' ? 1 : 0;
    this.appendStaged(block, kAddress, vAddress, position, queries);
    const words = new Uint32Array(buffer, JOB_ADDRESS, 19);
    words.set([
      JOB_ATTENTION,
      0,
      qAddress,
      block.address,
      batch,
      heads,
      this.kvHeads,
      queries,
      hd,
      this.capacity,
      keys,
    ]);
    new Float32Array(buffer, JOB_ADDRESS + 44, 1)[0] = scale;
    words.set([bias ? biasAddress : 0, biasBatch, outAddress, f16, scratch, scratchBytes], 12);
    arena.run();
    out.set(new Float32Array(buffer, outAddress, out.length));
  }

  /** Writes new keys and values (float32 arrays) into the block at `position`, staged through the arena. */
  private append(
    block: EngineBlock,
    k: Float32Array,
    v: Float32Array,
    position: number,
    queries: number,
  ): void {
    const kAddress = block.arena.operandBase;
    const vAddress = align(kAddress + k.byteLength, 64);
    block.arena.ensure(vAddress + v.byteLength);
    new Float32Array(block.arena.buffer, kAddress, k.length).set(k);
    new Float32Array(block.arena.buffer, vAddress, v.length).set(v);
    this.appendStaged(block, kAddress, vAddress, position, queries);
  }

  /** kv_append (csrc/attention.c) on this thread: keys and values staged at the given arena addresses. */
  private appendStaged(
    block: EngineBlock,
    kAddress: number,
    vAddress: number,
    position: number,
    queries: number,
  ) {
    (block.arena.exports.kv_append as (...args: number[]) => void)(
      block.address,
      kAddress,
      vAddress,
      this.batch!,
      this.kvHeads,
      this.capacity,
      this.headDim,
      position,
      queries,
      this.format === 'f16' ? 1 : 0,
    );
  }

  /**
   * @internal Keys and values held on a device instead of the blocks (the webgpu backend's cache,
   * src/webgpu/webgpu-cached-attention.ts): reorders and frees follow it there.
   */
  device: { reorder(rows: number[], filled: number): void; dispose(): void } | undefined;

  /** Frees every block. */
  dispose(): void {
    this.device?.dispose();
    this.device = undefined;
    for (const block of this.blocks) block?.release();
    this.blocks.fill(undefined);
    this.batch = undefined;
  }
}
