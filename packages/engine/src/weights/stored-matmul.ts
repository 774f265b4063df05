import { enginePool } from '../kernels/internal/engine-pool.js';
import type { NativeAddon } from '../kernels/internal/native-addon.js';
import { ARENA_MAX_BYTES, align } from './internal/arena.js';
import { JOB_STORED_MATMUL, JOB_STORED_MATMUL_T, runStoredJob } from './internal/stored-job.js';
import type { StoredWeight } from './stored-weight.js';
import { isQuantized, QUANT_BLOCK } from './weight-format.js';

/** Weight rows (or columns) one thread widens per GEMM unit (csrc/stored.c BLOCK_ROWS). */
const BLOCK_ROWS = 64;
/** Float-format products with this many x rows or more use the blocked GEMM path (csrc/stored.c). */
const GEMM_MIN_COUNT = 8;
/** Bytes of one Q8 activation block (f32 scale + 32 int8). */
const ACTIVATION_BLOCK = 36;
/** Operands of one job stay under this (larger products run in row chunks). */
const OPERAND_BYTES = 256 << 20;

let gemmScratchBytes: number | undefined;
/** The native addon, when `useKernels({ engine: 'native' })` installed it: products then read the memory in place. */
let native: { addon: NativeAddon; threads: number } | undefined;

/** @internal The native addon serving stored products and attention now, if any. */
export function nativeProducts(): { addon: NativeAddon; threads: number } | undefined {
  return native;
}

/** @internal Route stored products to the native addon (or back to the WASM kernels with undefined). */
export function setNativeStoredProducts(addon: NativeAddon | undefined, threads = 1): void {
  native = addon && typeof addon.storedMatmul === 'function' ? { addon, threads } : undefined;
}

function gemmScratch(weight: StoredWeight): number {
  gemmScratchBytes ??= (weight.arena.exports.scratch_floats as () => number)() * 4;
  return gemmScratchBytes;
}

/** Rows per chunk so that `perRow` bytes per row plus `fixed` fit the operand budget and the memory. */
function chunkRows(weight: StoredWeight, count: number, perRow: number, fixed: number): number {
  const budget = Math.min(OPERAND_BYTES, ARENA_MAX_BYTES - weight.arena.operandBase - fixed - 4096);
  return Math.max(1, Math.min(count, Math.floor(budget / perRow)));
}

/**
 * y = x · Wᵀ: `x` is `[count, cols]` float32, `y` gets `[count, rows]`. Float formats compute in float32 with the
 * weight widened; Q8_0 / Q4_0 quantize x to Q8 blocks first and sum exact block products, as llama.cpp does.
 */
export function storedMatMul(weight: StoredWeight, x: Float32Array, count: number, y: Float32Array): void {
  weight.check();
  if (native) {
    const { rows, cols } = weight;
    native.addon.storedMatmul(weight.bytes(), weight.ggmlType, rows, cols, x, count, y, native.threads);
    return;
  }
  const { rows, cols, arena } = weight;
  const quantized = isQuantized(weight.format);
  const threads = enginePool().threads;
  const actBytes = (cols / QUANT_BLOCK) * ACTIVATION_BLOCK;
  const scratchBytes =
    !quantized && count >= GEMM_MIN_COUNT ? align(gemmScratch(weight) + BLOCK_ROWS * cols * 4, 64) : 0;
  const perRow = 4 * cols + (quantized ? actBytes : 0) + 4 * rows + 256;
  const step = chunkRows(weight, count, perRow, threads * scratchBytes);
  for (let r0 = 0; r0 < count; r0 += step) {
    const n = Math.min(step, count - r0);
    const xAddress = arena.operandBase;
    const xqAddress = align(xAddress + n * cols * 4, 64);
    const yAddress = align(xqAddress + (quantized ? n * actBytes : 0), 64);
    const scratch = align(yAddress + n * rows * 4, 64);
    arena.ensure(scratch + threads * scratchBytes);
    new Float32Array(arena.buffer, xAddress, n * cols).set(x.subarray(r0 * cols, (r0 + n) * cols));
    if (quantized) {
      (arena.exports.quantize_activations as (...args: number[]) => void)(xAddress, n, cols, xqAddress);
    }
    runStoredJob(arena, {
      kind: JOB_STORED_MATMUL,
      format: weight.ggmlType,
      w: weight.address,
      rows,
      cols,
      count: n,
      x: xAddress,
      xq: xqAddress,
      y: yAddress,
      scratch,
      scratchBytes,
      sourceFormat: 0,
    });
    y.set(new Float32Array(arena.buffer, yAddress, n * rows), r0 * rows);
  }
}

/** dx = dy · W (the gradient of {@link storedMatMul} for x): `dy` is `[count, rows]`, `dx` gets `[count, cols]`. */
export function storedMatMulTransposed(
  weight: StoredWeight,
  dy: Float32Array,
  count: number,
  dx: Float32Array,
): void {
  weight.check();
  const { rows, cols, arena } = weight;
  const threads = enginePool().threads;
  const scratchBytes = align(gemmScratch(weight) + rows * BLOCK_ROWS * 4, 64);
  const step = chunkRows(weight, count, 4 * (rows + cols) + 128, threads * scratchBytes);
  for (let r0 = 0; r0 < count; r0 += step) {
    const n = Math.min(step, count - r0);
    const dyAddress = arena.operandBase;
    const dxAddress = align(dyAddress + n * rows * 4, 64);
    const scratch = align(dxAddress + n * cols * 4, 64);
    arena.ensure(scratch + threads * scratchBytes);
    new Float32Array(arena.buffer, dyAddress, n * rows).set(dy.subarray(r0 * rows, (r0 + n) * rows));
    runStoredJob(arena, {
      kind: JOB_STORED_MATMUL_T,
      format: weight.ggmlType,
      w: weight.address,
      rows,
      cols,
      count: n,
      x: dyAddress,
      xq: 0,
      y: dxAddress,
      scratch,
      scratchBytes,
      sourceFormat: 0,
    });
    dx.set(new Float32Array(arena.buffer, dxAddress, n * cols), r0 * cols);
  }
}
