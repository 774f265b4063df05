import { mulberry32 } from '@lawgpt/common';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { hasNativeAddon } from '../kernels/internal/native-addon.js';
import { useKernels } from '../kernels/use-kernels.js';
import {
  decodeBlocks,
  encodeBlocks,
  f32,
  halfToNumber,
  numberToHalf,
  quantizeActivations,
} from './format-reference.test-helpers.js';
import { storedMatMul, storedMatMulTransposed } from './stored-matmul.js';
import { WEIGHT_FORMATS, type WeightFormat } from './weight-format.js';
import { weightStore } from './weight-store.js';

function values(count: number, seed: number, scale = 1): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: count }, () => (next() * 2 - 1) * scale);
}

/** The weight as the format stores it, decoded by the float64 reference. */
function referenceDecode(format: WeightFormat, source: Float32Array, cols: number): number[] {
  if (format === 'f32') return Array.from(source);
  if (format === 'bf16') {
    const words = new Uint32Array(source.buffer.slice(0));
    return Array.from(words, (word) => {
      const rounded = ((word + 0x7fff + ((word >>> 16) & 1)) >>> 16) << 16;
      return new Float32Array(new Uint32Array([rounded >>> 0]).buffer)[0]!;
    });
  }
  if (format === 'f16') return Array.from(source, (value) => halfToNumber(numberToHalf(value)));
  const out: number[] = [];
  for (let row = 0; row < source.length / cols; row++) {
    out.push(...decodeBlocks(format, encodeBlocks(format, source.subarray(row * cols, (row + 1) * cols))));
  }
  return out;
}

// The native addon is an opt-in build (npm run build:native -w packages/engine; CI builds it).
const ENGINES = hasNativeAddon() ? (['wasm', 'native'] as const) : (['wasm'] as const);
if (!hasNativeAddon()) console.warn('[skip] native stored products: the addon is not built');

describe('stored weights', () => {
  const rows = 40;
  const cols = 96;
  const source = values(rows * cols, 7, 0.5);

  for (const format of WEIGHT_FORMATS) {
    it(`${format}: stores as the reference quantizer/rounding does and decodes exactly`, () => {
      const weight = weightStore().fromValues({ name: `w.${format}`, format, rows, cols, values: source });
      const expected = referenceDecode(format, source, cols);
      expect(Array.from(weight.readRows())).toEqual(expected.map(f32));
      expect(Array.from(weight.readRows(5, 3))).toEqual(expected.slice(5 * cols, 8 * cols).map(f32));
      if (format === 'q8_0' || format === 'q4_0') {
        const bytes = weight.bytes(0, 1);
        expect(Array.from(bytes)).toEqual(Array.from(encodeBlocks(format, source.subarray(0, cols))));
      }
      weight.dispose();
    });

    it.each(ENGINES)(
      `${format}: y = x · Wᵀ for 1, 3, 8 and 21 rows, and dx = dy · W (%s products)`,
      async (engine) => {
        if (engine === 'native') {
          await selectBackend({ backend: 'wasm' });
          const state = useKernels({ engine: 'native' });
          if (state.engine !== 'native') {
            console.warn(`[skip] native stored products: ${state.fallbacks.join('; ')}`);
            useKernels();
            return;
          }
        }
        const weight = weightStore().fromValues({ name: `w.${format}`, format, rows, cols, values: source });
        const w = referenceDecode(format, source, cols);
        for (const count of [1, 3, 8, 21]) {
          const x = values(count * cols, count, 2);
          const y = new Float32Array(count * rows);
          storedMatMul(weight, x, count, y);
          let worst = 0;
          for (let r = 0; r < count; r++) {
            const xr = x.subarray(r * cols, (r + 1) * cols);
            const act = format === 'q8_0' || format === 'q4_0' ? quantizeActivations(xr) : undefined;
            for (let o = 0; o < rows; o++) {
              let sum = 0;
              for (let i = 0; i < cols; i++) {
                const xi = act ? act.q[i]! * act.d[Math.floor(i / 32)]! : xr[i]!;
                sum += xi * w[o * cols + i]!;
              }
              worst = Math.max(worst, Math.abs(y[r * rows + o]! - sum));
            }
          }
          expect(worst, `${count} rows`).toBeLessThan(2e-5);
          if (engine === 'native' && (format === 'q8_0' || format === 'q4_0')) {
            // Native: every tile shape (4 x rows by 2 weight rows in prefill, 1 by 1 when decoding) runs the same
            // operations per (x row, weight row), so a row of a many-row product equals its one-row product exactly.
            const single = new Float32Array(rows);
            for (const r of [0, count - 1]) {
              storedMatMul(weight, x.subarray(r * cols, (r + 1) * cols), 1, single);
              expect(Array.from(y.subarray(r * rows, (r + 1) * rows)), `row ${r} of ${count}`).toEqual(
                Array.from(single),
              );
            }
          }
          const dy = values(count * rows, 100 + count);
          const dx = new Float32Array(count * cols);
          storedMatMulTransposed(weight, dy, count, dx);
          let worstT = 0;
          for (let r = 0; r < count; r++) {
            for (let i = 0; i < cols; i++) {
              let sum = 0;
              for (let o = 0; o < rows; o++) sum += dy[r * rows + o]! * w[o * cols + i]!;
              worstT = Math.max(worstT, Math.abs(dx[r * cols + i]! - sum));
            }
          }
          expect(worstT, `${count} rows, transposed`).toBeLessThan(2e-5);
        }
        weight.dispose();
        if (engine === 'native') useKernels();
      },
    );
  }

  // Large enough for the native product to split the rows over its threads (units of consecutive rows, a last
  // unit shorter than the others): each x row's result equals the wasm engine's within rounding, and the
  // threads' outputs equal the one-row products bit for bit.
  it.each(['q8_0', 'q4_0'] as const)(
    '%s: the native product split over threads covers every row',
    async (format) => {
      if (!hasNativeAddon())
        return void console.warn('[skip] native stored products: the addon is not built');
      await selectBackend({ backend: 'wasm' });
      const [bigRows, bigCols] = [1003, 256];
      const weight = weightStore().fromValues({
        name: `big.${format}`,
        format,
        rows: bigRows,
        cols: bigCols,
        values: values(bigRows * bigCols, 11, 0.5),
      });
      const x = values(5 * bigCols, 12, 2);
      const wasm = new Float32Array(5 * bigRows);
      storedMatMul(weight, x, 5, wasm);
      useKernels({ engine: 'native' });
      try {
        const native = new Float32Array(5 * bigRows);
        storedMatMul(weight, x, 5, native);
        let worst = 0;
        for (let i = 0; i < native.length; i++) worst = Math.max(worst, Math.abs(native[i]! - wasm[i]!));
        expect(worst).toBeLessThan(2e-5);
        const single = new Float32Array(bigRows);
        storedMatMul(weight, x.subarray(4 * bigCols), 1, single);
        expect(Array.from(native.subarray(4 * bigRows))).toEqual(Array.from(single));
      } finally {
        useKernels();
        weight.dispose();
      }
    },
  );
});
