import { KernelError } from '../errors.js';
import type { MatMulJob } from './internal/wasm-matmul.js';

/** A BatchMatMul resolved to shapes and per-batch operand offsets. */
export interface MatMulPlan extends MatMulJob {
  /** Shape of the product: broadcast batch dims, then `[m, n]`. */
  outShape: number[];
}

const cache = new Map<string, MatMulPlan>();
const CACHE_LIMIT = 256;

/**
 * Resolves `matMul(a, b, transposeA, transposeB)` the way TensorFlow's BatchMatMulV2 defines it: the last two
 * dims are the matrices, the leading dims broadcast numpy-style (either operand may have size 1 or be missing
 * the dim, both may broadcast at once). Throws KernelError for incompatible shapes.
 */
export function planMatMul(options: {
  /** Shape of A, rank ≥ 2. */
  aShape: readonly number[];
  /** Shape of B, rank ≥ 2. */
  bShape: readonly number[];
  /** A's last two dims are `[k, m]`. */
  transposeA?: boolean;
  /** B's last two dims are `[n, k]`. */
  transposeB?: boolean;
}): MatMulPlan {
  const { aShape, bShape, transposeA = false, transposeB = false } = options;
  const key = `${aShape}|${bShape}|${transposeA}|${transposeB}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (aShape.length < 2 || bShape.length < 2) {
    throw new KernelError('matMul', 'both operands of rank ≥ 2', `shapes [${aShape}] and [${bShape}]`);
  }
  const aRank = aShape.length;
  const bRank = bShape.length;
  const m = transposeA ? aShape[aRank - 1]! : aShape[aRank - 2]!;
  const ka = transposeA ? aShape[aRank - 2]! : aShape[aRank - 1]!;
  const kb = transposeB ? bShape[bRank - 1]! : bShape[bRank - 2]!;
  const n = transposeB ? bShape[bRank - 2]! : bShape[bRank - 1]!;
  if (ka !== kb) {
    throw new KernelError(
      'matMul',
      `equal inner dimensions (transposeA=${transposeA}, transposeB=${transposeB})`,
      `${ka} in [${aShape}] and ${kb} in [${bShape}]`,
    );
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const outBatch: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const da = aBatch[axis - (rank - aBatch.length)] ?? 1;
    const db = bBatch[axis - (rank - bBatch.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new KernelError('matMul', 'broadcastable batch dimensions', `[${aShape}] and [${bShape}]`);
    }
    outBatch.push(da === 1 ? db : da);
  }
  const batch = outBatch.reduce((product, size) => product * size, 1);
  const aOffsets = new Int32Array(batch);
  const bOffsets = new Int32Array(batch);
  fillOffsets(aOffsets, aBatch, outBatch, m * ka);
  fillOffsets(bOffsets, bBatch, outBatch, kb * n);
  const plan: MatMulPlan = {
    m,
    n,
    k: ka,
    transA: transposeA,
    transB: transposeB,
    batch,
    aOffsets,
    bOffsets,
    outShape: [...outBatch, m, n],
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, plan);
  return plan;
}

/** offsets[b] = element offset of the operand's matrix used by output batch b (0 stride on size-1 dims). */
function fillOffsets(offsets: Int32Array, dims: number[], outBatch: number[], matrixSize: number): void {
  const rank = outBatch.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = matrixSize;
  for (let axis = rank - 1; axis >= 0; axis--) {
    const size = dims[axis - (rank - dims.length)] ?? 1;
    strides[axis] = size === 1 ? 0 : stride;
    stride *= size;
  }
  const index = new Array<number>(rank).fill(0);
  for (let b = 0; b < offsets.length; b++) {
    let offset = 0;
    for (let axis = 0; axis < rank; axis++) offset += index[axis]! * strides[axis]!;
    offsets[b] = offset;
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis]! < outBatch[axis]!) break;
      index[axis] = 0;
    }
  }
}

/** The plan of a tfjs BatchMatMul on two tensors, which must both be float32 (named in the error otherwise). */
export function planFloat32MatMul(
  a: { dtype: string; shape: number[] },
  b: { dtype: string; shape: number[] },
  transposeA: boolean,
  transposeB: boolean,
): MatMulPlan {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new KernelError('matMul', 'float32 operands', `${a.dtype} and ${b.dtype}`);
  }
  return planMatMul({ aShape: a.shape, bShape: b.shape, transposeA, transposeB });
}
