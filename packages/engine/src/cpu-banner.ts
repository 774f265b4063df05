import * as tf from '@tensorflow/tfjs-core';

/** What this needs of tfjs's `MathBackendCPU`: the private flag its first `write` checks before the banner. */
type CpuBackend = { firstUse?: boolean };

/** Marks the factory registered here (shared by every copy of this module through `Symbol.for`). */
const QUIET = Symbol.for('@lawgpt/engine.quietCpuBanner');

function spendFirstUse(backend: unknown): void {
  if (backend && typeof backend === 'object' && 'firstUse' in backend)
    (backend as CpuBackend).firstUse = false;
}

/**
 * tfjs's cpu backend prints a banner ("Hi, looks like you are running TensorFlow.js in Node.js … install our
 * node backend") on its first tensor, once per process. Here the backend choice is ours (`selectBackend`:
 * wasm by default, tfjs-node on request), and cpu is a deliberate fallback or a test oracle, so the advice is
 * noise. This registers the cpu factory again with each instance's `firstUse` already spent: only that banner
 * goes; every other tfjs warning (and `tf.env()`'s IS_TEST/PROD flags) stays as it was. Runs once, on import
 * of `@lawgpt/engine`; an instance made before that is quieted in place.
 */
export function quietCpuBanner(): void {
  const existing: unknown = tf.engine().registry.cpu;
  spendFirstUse(existing);
  const factory = tf.findBackendFactory('cpu');
  // an existing instance would be disposed by removeBackend, with its tensors
  if (!factory || existing || QUIET in factory) return;
  const quiet = Object.assign(
    () => {
      const backend = factory();
      spendFirstUse(backend);
      return backend;
    },
    { [QUIET]: true },
  );
  tf.removeBackend('cpu');
  // 1 is the priority @tensorflow/tfjs-backend-cpu registers cpu with (below wasm, webgl, webgpu).
  tf.registerBackend('cpu', quiet, 1);
}
