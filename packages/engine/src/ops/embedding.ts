import * as tf from '@tensorflow/tfjs-core';
import { ensureStoredKernels, STORED_KERNELS } from '../weights/stored-kernels.js';
import { StoredWeight } from '../weights/stored-weight.js';
import { OP_KERNELS, runNamedOp } from './named-op.js';

/**
 * Rows of `table` ([vocab, hidden]) for `ids` → [ids.length, hidden]. A tensor table is differentiable on every
 * backend: the gradient scatters (and sums) the upstream rows with `scatterND` instead of gather's gradient, which
 * needs `UnsortedSegmentSum` (missing on wasm). A {@link StoredWeight} table is decoded row by row (frozen).
 */
export function embedding(table: tf.Tensor2D | StoredWeight, ids: number[]): tf.Tensor2D {
  const indices = tf.tensor1d(ids, 'int32');
  if (table instanceof StoredWeight) {
    table.check();
    ensureStoredKernels();
    const rows = tf
      .engine()
      .runKernel(STORED_KERNELS.gather, { indices }, { weight: table } as unknown as tf.NamedAttrMap);
    indices.dispose();
    return rows as tf.Tensor2D;
  }
  const vocabSize = table.shape[0];
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [tableInput, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([indices]);
    const rows = tf.gather(tableInput, indices) as tf.Tensor2D;
    return {
      value: rows,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const columns = (dy as tf.Tensor2D).shape[1];
        const scatterIndices = tf.reshape(saved[0], [-1, 1]);
        return tf.scatterND(scatterIndices, dy, [vocabSize, columns]);
      },
    };
  });
  const result = runNamedOp(OP_KERNELS.embedding, { table, indices }, {}, () => lookup(table) as tf.Tensor2D);
  indices.dispose();
  return result;
}
