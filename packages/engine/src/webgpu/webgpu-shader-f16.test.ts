import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { linear } from '../ops/linear.js';
import { storedMatMul, storedMatMulTransposed } from '../weights/stored-matmul.js';
import type { WeightFormat } from '../weights/weight-format.js';
import { weightStore } from '../weights/weight-store.js';
import { webgpuUnavailable } from './webgpu.test-helpers.js';
import { webgpuAdapter } from './webgpu-device.js';
import { WORKGROUP } from './webgpu-program.js';

// The stored products' two ways of reading halves (f16 weights, Q8_0/Q4_0 scales) on one adapter: as WGSL `f16`
// (shader-f16, the default where the device has it) and decoded from their bits (LAWGPT_WEBGPU_F16=0). Both must
// stay within the documented stored-product tolerance, 1e-5 · (1 + |y|), of the wasm engine's.
const STORED_TOLERANCE = 1e-5;

let reason = await webgpuUnavailable();
if (!reason) {
  const adapter = (await selectBackend({ backend: 'webgpu' })).adapter;
  await selectBackend({ backend: 'wasm' });
  if (!adapter?.shaderF16) reason = `the adapter (${adapter?.description}) has no shader-f16`;
}
if (reason) console.warn(`[webgpu-shader-f16.test] skipped: ${reason}`);

function random(seed: number, count: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state / 4294967296) * 2 - 1) * scale;
  });
}

/** Worst |got − want| / (1 + |want|). */
function worstDiff(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const diff = Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!));
    worst = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : Math.max(worst, diff);
  }
  return worst;
}

/** Weights of `rows × cols`, every 4th row tiny: f16 values and Q8_0/Q4_0 scales that are subnormal halves. */
function weightValues(rows: number, cols: number): Float32Array {
  const values = random(31, rows * cols, 0.5);
  for (let r = 0; r < rows; r += 4) {
    for (let c = 0; c < cols; c++) values[r * cols + c]! *= 2e-4;
  }
  return values;
}

/** The webgpu product (1 and 3 rows) and x's gradient, as one array each, with LAWGPT_WEBGPU_F16 as given. */
async function webgpuProducts(
  weight: ReturnType<ReturnType<typeof weightStore>['fromValues']>,
  f16: string | undefined,
): Promise<Float32Array[]> {
  if (f16 === undefined) delete process.env.LAWGPT_WEBGPU_F16;
  else process.env.LAWGPT_WEBGPU_F16 = f16;
  const outputs: Float32Array[] = [];
  for (const count of [1, 3]) {
    const x = tf.tensor2d(random(40 + count, count * weight.cols, 3), [count, weight.cols]);
    const dy = tf.tensor2d(random(50 + count, count * weight.rows), [count, weight.rows]);
    const y = linear(x, weight);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(linear(input as tf.Tensor2D, weight), dy)))(x);
    outputs.push((await y.data()) as Float32Array, (await dx.data()) as Float32Array);
    tf.dispose([x, dy, y, dx]);
  }
  delete process.env.LAWGPT_WEBGPU_F16;
  return outputs;
}

/** The wasm engine's results for {@link webgpuProducts}' inputs. */
function wasmProducts(weight: ReturnType<ReturnType<typeof weightStore>['fromValues']>): Float32Array[] {
  const outputs: Float32Array[] = [];
  for (const count of [1, 3]) {
    const y = new Float32Array(count * weight.rows);
    storedMatMul(weight, random(40 + count, count * weight.cols, 3), count, y);
    const dx = new Float32Array(count * weight.cols);
    storedMatMulTransposed(weight, random(50 + count, count * weight.rows), count, dx);
    outputs.push(y, dx);
  }
  return outputs;
}

/** Names of the compiled stored-product shaders (tfjs-backend-webgpu's pipeline cache keys). */
function compiledKeys(): string[] {
  return Object.keys((tf.backend() as unknown as { pipelineCache: object }).pipelineCache).filter((key) =>
    key.startsWith('lawgpt_stored_matmul'),
  );
}

const CASES: Array<[WeightFormat, number]> = [
  ['f16', 96], // even cols: the row read as vec2<f16> pairs
  ['f16', 75], // odd cols: half by half
  ['q8_0', 96],
  ['q4_0', 96],
];

describe.skipIf(reason !== undefined)('shader-f16 in the stored products', () => {
  afterAll(async () => {
    delete process.env.LAWGPT_WEBGPU_F16;
    await selectBackend({ backend: 'wasm' });
  });

  it('requests shader-f16 on the device and reports it', async () => {
    const { adapter } = await selectBackend({ backend: 'webgpu' });
    expect(adapter?.shaderF16Enabled).toBe(true);
    expect(webgpuAdapter()?.shaderF16Enabled).toBe(true);
  });

  for (const [format, cols] of CASES) {
    it(`${format}, ${cols} columns: the f16 and the f32 path each equal the wasm engine's`, async () => {
      await selectBackend({ backend: 'webgpu' });
      const rows = 40;
      const weight = weightStore().fromValues({
        name: `f16.${format}.${cols}`,
        format,
        rows,
        cols,
        values: weightValues(rows, cols),
      });
      const want = wasmProducts(weight);
      const viaF16 = await webgpuProducts(weight, undefined);
      const viaF32 = await webgpuProducts(weight, '0');
      weight.dispose();
      // each path ran its own shaders: f16 ones by default, the bit-decoding ones when forced
      const keys = compiledKeys();
      const pairs = format === 'f16' && cols % 2 === 0 ? '_pairs' : '';
      for (const prefix of [
        `lawgpt_stored_matmul_${format}_shaderf16${pairs}_${WORKGROUP}`,
        `lawgpt_stored_matmul_grad_${format}_shaderf16_${WORKGROUP}`,
        `lawgpt_stored_matmul_${format}_${WORKGROUP}`,
        `lawgpt_stored_matmul_grad_${format}_${WORKGROUP}`,
      ]) {
        expect(
          keys.some((key) => key.startsWith(prefix)),
          prefix,
        ).toBe(true);
      }
      const worst = (got: Float32Array[]) => Math.max(...got.map((values, i) => worstDiff(values, want[i]!)));
      const [f16Diff, f32Diff] = [worst(viaF16), worst(viaF32)];
      const between = Math.max(...viaF16.map((values, i) => worstDiff(values, viaF32[i]!)));
      console.log(
        `[webgpu f16] ${format} cols ${cols}: vs wasm f16 path ${f16Diff.toExponential(2)}, f32 path ${f32Diff.toExponential(2)}; between paths ${between.toExponential(2)}`,
      );
      expect(f16Diff).toBeLessThan(STORED_TOLERANCE);
      expect(f32Diff).toBeLessThan(STORED_TOLERANCE);
    });
  }
});
