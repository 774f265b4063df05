import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KernelError } from '../errors.js';
import { verifyOnBackend } from './backend-check.js';
import { loadNativeAddon } from './internal/native-addon.js';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';
import type { MatMulEngine } from './matmul-engine.js';
import { selfCheck } from './self-check.js';
import { activeKernels, kernelStats, useKernels } from './use-kernels.js';
import { WasmMatMulEngine } from './wasm-matmul-engine.js';

describe('useKernels / activeKernels', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(() => {
    useKernels({ engine: 'stock' });
  });

  it('defaults to the wasm engine on all threads and reports it', () => {
    const state = useKernels({ env: {}, threads: 2 });
    expect(state).toEqual({
      requested: 'wasm',
      source: 'default',
      engine: 'wasm',
      threads: 2,
      kernels: [
        'BatchMatMul',
        'Identity',
        'LawgptRmsNorm',
        'LawgptRmsNormGradX',
        'LawgptRmsNormGradW',
        'LawgptRope',
        'LawgptRopeGrad',
        'LawgptSwiGlu',
        'LawgptSwiGluGradGate',
        'LawgptSwiGluGradUp',
      ],
      fallbacks: [],
    });
    expect(activeKernels()).toEqual(state);
    // tfjs-backend-wasm's own kernel function is named batchMatMul; ours replaced it.
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc.name).not.toBe('batchMatMul');
  });

  it('installs the elementwise kernels only when asked (default) and removes them for stock', () => {
    expect(useKernels({ engine: 'wasm', threads: 1, elementwise: false }).kernels).toEqual([
      'BatchMatMul',
      'Identity',
    ]);
    expect(tf.getKernel('LawgptRope', 'wasm')).toBeUndefined();
    useKernels({ engine: 'wasm', threads: 1 });
    expect(tf.getKernel('LawgptRope', 'wasm')).toBeDefined();
    expect(useKernels({ engine: 'stock' }).kernels).toEqual([]);
    expect(tf.getKernel('LawgptRmsNorm', 'wasm')).toBeUndefined();
  });

  it('shares the buffer on Identity (tf.clone) and keeps it alive until both tensors are gone', () => {
    useKernels({ engine: 'wasm', threads: 1 });
    const backend = tf.backend() as unknown as { refCount(dataId: object): number };
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const copy = tf.clone(x);
    expect(copy.dataId).toBe(x.dataId); // no new buffer
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect([...copy.dataSync()]).toEqual([1, 2, 3, 4]);
    copy.dispose();
    expect(backend.refCount(x.dataId)).toBe(0);
    useKernels({ engine: 'stock' });
    const y = tf.tensor1d([5, 6]);
    const stockCopy = tf.clone(y);
    expect(stockCopy.dataId).not.toBe(y.dataId); // tfjs-wasm's own Identity copies
    expect(backend.refCount(y.dataId)).toBe(1);
    tf.dispose([y, stockCopy]);
  });

  it('reads LAWGPT_KERNELS and lets the option override it', () => {
    expect(useKernels({ env: { LAWGPT_KERNELS: 'stock' } })).toMatchObject({
      source: 'env',
      engine: 'stock',
    });
    expect(kernelStats()).toBeUndefined();
    expect(useKernels({ env: { LAWGPT_KERNELS: 'stock' }, engine: 'wasm', threads: 1 })).toMatchObject({
      source: 'option',
      engine: 'wasm',
      threads: 1,
    });
  });

  it('stock restores tfjs’s own kernel', () => {
    useKernels({ engine: 'stock' });
    const stock = tf.getKernel('BatchMatMul', 'wasm');
    expect(stock.kernelFunc.name).toBe('batchMatMul');
    useKernels({ engine: 'wasm', threads: 1 });
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(stock);
    useKernels({ engine: 'stock' });
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).toBe(stock.kernelFunc);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect([...product.dataSync()]).toEqual([11]);
  });

  it('rejects unknown engines with a KernelError naming the value', () => {
    expect(() => useKernels({ env: { LAWGPT_KERNELS: 'cuda' } })).toThrow(KernelError);
    expect(() => useKernels({ env: { LAWGPT_KERNELS: 'cuda' } })).toThrow(/LAWGPT_KERNELS.*"cuda"/);
    expect(() => useKernels({ engine: 'fast' as never })).toThrow(/"fast"/);
  });

  it('native uses the addon where it is built and falls back loudly to wasm where not', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const state = useKernels({ engine: 'native', threads: 2 });
    const { addon, problem } = loadNativeAddon();
    if (addon) {
      expect(state).toMatchObject({ requested: 'native', engine: 'native', threads: 2, fallbacks: [] });
      expect(['avx512', 'avx2', 'generic']).toContain(state.isa);
      expect(warn).not.toHaveBeenCalled();
    } else {
      console.log(`[note] native addon absent (${problem}): checking the fallback only`);
      expect(state).toMatchObject({ requested: 'native', engine: 'wasm' });
      expect(state.fallbacks[0]).toMatch(/native matMul addon unavailable/);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/native matMul addon unavailable/));
    }
    warn.mockRestore();
  });
});

describe('selfCheck', () => {
  it('passes a correct multiply and names the first wrong element of a broken one', () => {
    const reference = (
      a: Float32Array,
      b: Float32Array,
      plan: Parameters<Parameters<typeof selfCheck>[0]>[2],
    ) => {
      const out = new Float32Array(plan.batch * plan.m * plan.n);
      for (let bi = 0; bi < plan.batch; bi++)
        for (let i = 0; i < plan.m; i++)
          for (let j = 0; j < plan.n; j++) {
            let sum = 0;
            for (let p = 0; p < plan.k; p++) {
              const x = a[plan.aOffsets[bi]! + (plan.transA ? p * plan.m + i : i * plan.k + p)]!;
              const y = b[plan.bOffsets[bi]! + (plan.transB ? j * plan.k + p : p * plan.n + j)]!;
              sum += x * y;
            }
            out[(bi * plan.m + i) * plan.n + j] = sum;
          }
      return out;
    };
    expect(selfCheck(reference)).toBeUndefined();
    const broken = (a: Float32Array, b: Float32Array, plan: Parameters<typeof reference>[2]) => {
      const out = reference(a, b, plan);
      if (plan.transA && plan.transB) out[5] = (out[5] ?? 0) + 0.01;
      return out;
    };
    expect(selfCheck(broken)).toMatch(/transposeA=true transposeB=true: element 5/);
    expect(
      selfCheck(() => {
        throw new Error('no threads');
      }),
    ).toBe('threw no threads');
  });
});

describe('verifyOnBackend (the first-use check on the live tfjs heap)', () => {
  it('accepts the real engine and reports a wrong one', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const backend = tf.backend() as unknown as WasmBackendLike;
    const engine = new WasmMatMulEngine({ threads: 2 });
    expect(verifyOnBackend(engine, backend)).toBeUndefined();
    const off: MatMulEngine = {
      name: 'wasm',
      threads: 1,
      stats: { inPlace: 0, threaded: 0, packed: 0, delegated: 0 },
      close: () => {},
      batchMatMul: (heap, a, b, transposeA, transposeB) => {
        const out = engine.batchMatMul(heap, a, b, transposeA, transposeB);
        (heap.typedArrayFromHeap(out) as Float32Array)[3]! += 1e-3;
        return out;
      },
    };
    expect(verifyOnBackend(off, backend)).toMatch(/element 3 is .*, expected/);
    engine.close();
  });
});

describe('WasmMatMulEngine with many batches (job tables beyond the reserved job area)', () => {
  it('threaded and in-place paths agree with the reference for 9000 small products', async () => {
    const { planMatMul } = await import('./matmul-plan.js');
    const { referenceMatMul } = await import('./reference-matmul.js');
    const plan = planMatMul({ aShape: [9000, 2, 3], bShape: [9000, 3, 2] });
    const a = Float32Array.from({ length: 9000 * 6 }, (_, i) => ((i * 37) % 19) / 9 - 1);
    const b = Float32Array.from({ length: 9000 * 6 }, (_, i) => ((i * 11) % 23) / 11 - 1);
    const { values } = referenceMatMul(a, b, plan);
    const engine = new WasmMatMulEngine({ threads: 2 });
    for (const path of ['threaded', 'in-place'] as const) {
      const got = engine.multiplyDirect(a, b, plan, path);
      let worst = 0;
      for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(got[i]! - values[i]!));
      expect(worst, path).toBeLessThan(1e-5);
    }
    engine.close();
  });
});
