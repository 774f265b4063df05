import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '../config.js';

/**
 * Inverse frequencies `1 / theta^(2j/hd)` (float32, as HF computes them), with HF's `dynamic` NTK
 * scaling applied when `sequenceLength` exceeds `max_position_embeddings`.
 */
export function inverseFrequencies(config: LlamaConfig, sequenceLength: number): Float32Array {
  const { headDim, ropeScaling, maxPositionEmbeddings } = config;
  let base = config.ropeTheta;
  if (ropeScaling?.type === 'dynamic' && sequenceLength > maxPositionEmbeddings) {
    const factor = ropeScaling.factor;
    base *= ((factor * sequenceLength) / maxPositionEmbeddings - (factor - 1)) ** (headDim / (headDim - 2));
  }
  const frequencies = new Float32Array(headDim / 2);
  for (let j = 0; j < headDim / 2; j++) {
    const exponent = Math.fround((2 * j) / headDim);
    frequencies[j] = 1 / Math.fround(base ** exponent);
  }
  return frequencies;
}

/**
 * cos/sin tables for per-row positions: `positions[b][t]` → two tensors [rows, 1, seq, headDim]
 * (`emb = cat(freqs, freqs)`); `rows` is 1 when every row has the same positions. `linear`
 * scaling divides positions by the factor.
 */
export function ropeTables(
  config: LlamaConfig,
  positions: number[][],
): { cos: tf.Tensor4D; sin: tf.Tensor4D } {
  const sameRows = positions.every((row) => row.every((position, t) => position === positions[0][t]));
  const rows = sameRows ? [positions[0]] : positions;
  const seq = rows[0].length;
  const { headDim, ropeScaling } = config;
  const half = headDim / 2;
  let maxPosition = 0;
  for (const row of rows) for (const position of row) maxPosition = Math.max(maxPosition, position);
  const frequencies = inverseFrequencies(config, maxPosition + 1);
  const divisor = ropeScaling?.type === 'linear' ? ropeScaling.factor : 1;
  const cos = new Float32Array(rows.length * seq * headDim);
  const sin = new Float32Array(rows.length * seq * headDim);
  rows.forEach((row, r) => {
    row.forEach((position, t) => {
      const offset = (r * seq + t) * headDim;
      const scaled = Math.fround(position / divisor);
      for (let j = 0; j < half; j++) {
        const angle = Math.fround(scaled * frequencies[j]);
        cos[offset + j] = cos[offset + j + half] = Math.cos(angle);
        sin[offset + j] = sin[offset + j + half] = Math.sin(angle);
      }
    });
  });
  const shape: [number, number, number, number] = [rows.length, 1, seq, headDim];
  return { cos: tf.tensor4d(cos, shape), sin: tf.tensor4d(sin, shape) };
}
