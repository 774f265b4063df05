import type { MatMulJob } from './internal/wasm-matmul.js';

/**
 * Float64 reference product for checking kernels. `values[i]` is the exact-ish product, `scale[i]` the sum of
 * |a|·|b| over the inner dimension — the magnitude rounding errors are relative to.
 */
export function referenceMatMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  job: MatMulJob,
): { values: Float64Array; scale: Float64Array } {
  const { m, n, k, transA, transB, batch } = job;
  const values = new Float64Array(batch * m * n);
  const scale = new Float64Array(batch * m * n);
  for (let bi = 0; bi < batch; bi++) {
    const aBase = job.aOffsets[bi]!;
    const bBase = job.bOffsets[bi]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let magnitude = 0;
        for (let p = 0; p < k; p++) {
          const x = a[aBase + (transA ? p * m + i : i * k + p)]!;
          const y = b[bBase + (transB ? j * k + p : p * n + j)]!;
          sum += x * y;
          magnitude += Math.abs(x * y);
        }
        values[(bi * m + i) * n + j] = sum;
        scale[(bi * m + i) * n + j] = magnitude;
      }
    }
  }
  return { values, scale };
}
