/**
 * Side-effect module: what the `@tensorflow/tfjs` umbrella registered and this project uses, on top of
 * `@tensorflow/tfjs-core` alone — every op's gradient (`tf.grad`, `tf.variableGrads`), the chained tensor
 * methods (`x.sum()`, `x.reshape()`), and the pure-JS `cpu` backend. Imported first by `backend.ts` and
 * `index.ts`, so any model path that goes through `@lawgpt/engine` gets them before it computes.
 *
 * The two `tfjs-core/dist/...` modules are ESM-only files that Node cannot load directly; tsup bundles them
 * into this package's dist (see tsup.config.ts) and vitest transforms them.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
