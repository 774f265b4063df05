import * as tf from '@tensorflow/tfjs';
import { InputError } from './errors.js';

/**
 * Keys and values of past positions for incremental decoding: per layer
 * `[batch, kvHeads, pastLength, headDim]` (after RoPE, before the GQA repeat), plus the attention
 * mask seen so far. The tensors are owned by the cache: call `dispose()` when done.
 */
export class KVCache {
  private keys: (tf.Tensor4D | undefined)[];
  private values: (tf.Tensor4D | undefined)[];
  /** Attention mask over the cached positions, [batch][pastLength]; null while all ones. */
  mask: number[][] | null = null;
  /** Number of cached positions. */
  length = 0;

  constructor(readonly numLayers: number) {
    this.keys = new Array(numLayers).fill(undefined);
    this.values = new Array(numLayers).fill(undefined);
  }

  /** Batch size of the cached tensors (undefined while empty). */
  get batchSize(): number | undefined {
    return this.keys[0]?.shape[0];
  }

  /**
   * Append a layer's new keys/values and return the full ones (kept; the previous ones are
   * disposed). Call inside the forward pass; `commit()` advances `length` once all layers ran.
   */
  append(layer: number, keys: tf.Tensor4D, values: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
    const oldKeys = this.keys[layer];
    const oldValues = this.values[layer];
    const newKeys = tf.keep(oldKeys ? tf.concat([oldKeys, keys], 2) : keys.clone());
    const newValues = tf.keep(oldValues ? tf.concat([oldValues, values], 2) : values.clone());
    oldKeys?.dispose();
    oldValues?.dispose();
    this.keys[layer] = newKeys;
    this.values[layer] = newValues;
    return [newKeys, newValues];
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
    const index = tf.tensor1d(rows, 'int32');
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (const store of [this.keys, this.values]) {
        const old = store[layer];
        if (!old) continue;
        store[layer] = tf.keep(tf.gather(old, index, 0));
        old.dispose();
      }
    }
    index.dispose();
    if (this.mask) this.mask = rows.map((row) => [...this.mask![row]]);
  }

  /** Free every cached tensor. */
  dispose(): void {
    for (const tensor of [...this.keys, ...this.values]) tensor?.dispose();
    this.keys.fill(undefined);
    this.values.fill(undefined);
    this.length = 0;
    this.mask = null;
  }
}
