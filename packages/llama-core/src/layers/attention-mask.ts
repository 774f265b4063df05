import * as tf from '@tensorflow/tfjs-core';

/** Added to the scores of masked key positions (float32's lowest value, as HF uses). */
export const MASKED = -3.4028234663852886e38;

/**
 * Position ids of the new tokens. Without a mask: `past + t`. With a (left-padding) mask over
 * past + new positions: HF `generate`'s `cumsum(mask) - 1`, with padded positions set to 1.
 */
export function positionIds(
  batch: number,
  seq: number,
  past: number,
  fullMask: number[][] | null,
): number[][] {
  if (!fullMask) return Array.from({ length: batch }, () => Array.from({ length: seq }, (_, t) => past + t));
  return fullMask.map((row) => {
    const positions: number[] = [];
    let count = 0;
    for (let j = 0; j < row.length; j++) {
      count += row[j];
      if (j >= past) positions.push(row[j] === 0 ? 1 : count - 1);
    }
    return positions;
  });
}

/**
 * Additive attention bias [batch or 1, 1, seq, past + seq]: query t (absolute position past + t)
 * may see key j when j <= past + t and the key is not padding. A query that would see nothing
 * (a padding row) sees itself, so softmax stays finite. Returns null when nothing is masked.
 */
export function attentionBias(
  batch: number,
  seq: number,
  past: number,
  fullMask: number[][] | null,
): tf.Tensor4D | null {
  const total = past + seq;
  if (!fullMask && seq === 1) return null;
  const rows = fullMask ?? [new Array(total).fill(1)];
  const bias = new Float32Array(rows.length * seq * total);
  rows.forEach((row, b) => {
    for (let t = 0; t < seq; t++) {
      const offset = (b * seq + t) * total;
      let visible = 0;
      for (let j = 0; j < total; j++) {
        const allowed = j <= past + t && row[j] !== 0;
        if (allowed) visible++;
        else bias[offset + j] = MASKED;
      }
      if (visible === 0) bias[offset + past + t] = 0;
    }
  });
  return tf.tensor4d(bias, [fullMask ? batch : 1, 1, seq, total]);
}
