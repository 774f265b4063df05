import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernels/internal/wasm-backend-heap.js';
import { storedMatMul, storedMatMulTransposed } from './stored-matmul.js';
import type { StoredWeight } from './stored-weight.js';

/** Kernel names of the stored-weight ops (registered for whichever backend runs them). */
export const STORED_KERNELS = {
  /** y = x · Wᵀ; inputs `{ x }`, attrs `{ weight }`. */
  matMul: 'LawgptStoredMatMul',
  /** dx = dy · W, the gradient of `matMul`; inputs `{ dy }`, attrs `{ weight }`. */
  matMulGradX: 'LawgptStoredMatMulGradX',
  /** rows of W for `indices`; inputs `{ indices }` (int32), attrs `{ weight }`. */
  gather: 'LawgptStoredGather',
} as const;

export type Backend = tf.KernelBackend &
  Partial<WasmBackendLike> & {
    data?: { get(id: object): { values?: unknown } };
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  };

/** Float32 values of an input without copying where the backend allows it (wasm heap view, cpu array). */
export function inputValues(backend: Backend, tensor: tf.TensorInfo): Float32Array | Int32Array {
  if (backend.typedArrayFromHeap) return backend.typedArrayFromHeap(tensor) as Float32Array | Int32Array;
  const values = backend.data?.get(tensor.dataId)?.values;
  if (values instanceof Float32Array || values instanceof Int32Array) return values;
  return backend.readSync(tensor.dataId) as Float32Array | Int32Array;
}

/** A new float32 output of `shape` on `backend`, filled by `fill` (in place on the wasm heap). */
export function output(
  backend: Backend,
  shape: number[],
  fill: (values: Float32Array) => void,
): tf.TensorInfo {
  if (backend.makeOutput && backend.typedArrayFromHeap) {
    // makeOutput may grow the heap: take views of the inputs only inside `fill`, after it.
    const out = backend.makeOutput(shape, 'float32');
    fill(backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  }
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  fill(values);
  return backend.makeTensorInfo(shape, 'float32', values);
}

function kernels(backendName: string): tf.KernelConfig[] {
  const weightOf = (attrs: tf.NamedAttrMap | undefined) =>
    (attrs as unknown as { weight: StoredWeight }).weight;
  return [
    {
      kernelName: STORED_KERNELS.matMul,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const weight = weightOf(attrs);
        const x = inputs.x as tf.TensorInfo;
        const count = x.shape[0]!;
        return output(backend as Backend, [count, weight.rows], (y) =>
          storedMatMul(weight, inputValues(backend as Backend, x) as Float32Array, count, y),
        );
      },
    },
    {
      kernelName: STORED_KERNELS.matMulGradX,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const weight = weightOf(attrs);
        const dy = inputs.dy as tf.TensorInfo;
        const count = dy.shape[0]!;
        return output(backend as Backend, [count, weight.cols], (dx) =>
          storedMatMulTransposed(weight, inputValues(backend as Backend, dy) as Float32Array, count, dx),
        );
      },
    },
    {
      kernelName: STORED_KERNELS.gather,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const weight = weightOf(attrs);
        const indices = inputs.indices as tf.TensorInfo;
        const count = indices.shape[0]!;
        return output(backend as Backend, [count, weight.cols], (rows) => {
          const ids = inputValues(backend as Backend, indices);
          for (let i = 0; i < count; i++) rows.set(weight.readRows(ids[i]!, 1), i * weight.cols);
        });
      },
    },
  ];
}

const registered = new Set<string>();

/** Registers the stored-weight kernels (and the matMul gradient) for the active backend, once. */
export function ensureStoredKernels(): void {
  const backendName = tf.getBackend();
  if (registered.has(backendName)) return;
  for (const config of kernels(backendName)) {
    if (!tf.getKernel(config.kernelName, backendName)) tf.registerKernel(config);
  }
  if (registered.size === 0) {
    tf.registerGradient({
      kernelName: STORED_KERNELS.matMul,
      gradFunc: (dy, _saved, attrs) => ({
        x: () =>
          tf.engine().runKernel(STORED_KERNELS.matMulGradX, { dy: dy as tf.Tensor }, attrs) as tf.Tensor,
      }),
    });
  }
  registered.add(backendName);
}
