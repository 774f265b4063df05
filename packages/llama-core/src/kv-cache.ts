import { cachedAttention, type KvFormat, KvStore } from '@lawgpt/engine';
import type * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from './config.js';
import { InputError } from './errors.js';

/** Options of {@link LlamaModel.createCache}. */
export interface KVCacheOptions {
  /** Element format of the cached keys and values: `f32` (default) or `f16` (half the memory). */
  dtype?: KvFormat;
  /** Positions reserved at first; the cache grows by doubling. Default 256. */
  capacity?: number;
}

/**
 * Keys and values of past positions for incremental decoding (after RoPE, before the GQA repeat), plus the
 * attention mask seen so far. They live in the engine's memory ({@link KvStore}), outside tfjs's heap, and each
 * step's keys are written in place. Call `dispose()` when done.
 */
export class KVCache {
  private readonly store: KvStore;
  /** Attention mask over the cached positions, [batch][pastLength]; null while all ones. */
  mask: number[][] | null = null;
  /** Number of cached positions. */
  length = 0;

  constructor(
    config: LlamaConfig,
    { dtype = 'f32', capacity = Math.min(256, config.maxPositionEmbeddings) }: KVCacheOptions = {},
  ) {
    this.store = new KvStore({
      layers: config.numHiddenLayers,
      kvHeads: config.numKeyValueHeads,
      headDim: config.headDim,
      format: dtype,
      capacity,
    });
  }

  /** Number of layers. */
  get numLayers(): number {
    return this.store.layers;
  }

  /** Element format of the cached keys and values. */
  get dtype(): KvFormat {
    return this.store.format;
  }

  /** Batch size of the cache (undefined while empty). */
  get batchSize(): number | undefined {
    return this.store.batch;
  }

  /** Bytes the cache occupies in the engine's memory. */
  get bytes(): number {
    return this.store.bytes;
  }

  /**
   * Attention of a layer through the cache: stores this pass's keys and values after the `length` cached positions,
   * then attends every query to all of them. Call inside the forward pass; `commit()` advances `length` once all
   * layers ran. q: [batch, heads, seq, hd]; k, v: [batch, kvHeads, seq, hd]; bias over past + new positions.
   */
  attend(
    layer: number,
    q: tf.Tensor4D,
    k: tf.Tensor4D,
    v: tf.Tensor4D,
    bias: tf.Tensor4D | null,
    scale: number,
  ): tf.Tensor4D {
    return cachedAttention(q, k, v, bias, { store: this.store, layer, position: this.length, scale });
  }

  /** Record that `added` positions were appended to every layer. */
  commit(added: number, mask: number[][] | null): void {
    this.length += added;
    this.mask = mask;
  }

  /** Keep only the given batch rows, in that order (beam search). */
  reorder(rows: number[]): void {
    const batch = this.batchSize;
    if (batch === undefined) return;
    for (const row of rows) {
      if (!Number.isInteger(row) || row < 0 || row >= batch) {
        throw new InputError('reorder(rows)', `row indices in [0, ${batch})`, row);
      }
    }
    this.store.reorder(rows, this.length);
    if (this.mask) this.mask = rows.map((row) => [...this.mask![row]!]);
  }

  /** Free the cached keys and values. */
  dispose(): void {
    this.store.dispose();
    this.length = 0;
    this.mask = null;
  }
}
