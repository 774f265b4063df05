import * as tf from '@tensorflow/tfjs-core';
import { rmsNorm } from '../../ops/rms-norm.js';
import { rope } from '../../ops/rope.js';
import { swiGlu } from '../../ops/swi-glu.js';

/** Sizes of the benchmark block (defaults: the one in ../shared/notes/tfjs-on-node.md). */
export interface BlockSizes {
  hidden: number;
  heads: number;
  seq: number;
  batch: number;
  intermediate: number;
}

export const NOTES_BLOCK: BlockSizes = { hidden: 512, heads: 8, seq: 256, batch: 4, intermediate: 1408 };

/** matMul flops of one forward + backward step (27 products: 9 forward, 18 backward). */
export function blockFlops({ hidden, heads, seq, batch, intermediate }: BlockSizes): number {
  const tokens = batch * seq;
  const headDim = hidden / heads;
  const forward =
    2 * tokens * hidden * hidden * 4 +
    2 * 2 * batch * heads * seq * seq * headDim +
    2 * tokens * hidden * intermediate * 3;
  return 3 * forward;
}

/**
 * One pre-norm LLaMA block (RMSNorm, q/k/v/o projections, RoPE, causal softmax attention, SwiGLU MLP) with its
 * weights as variables, and `step()` = loss (mean square of the output) and gradients of every weight.
 * Weight matMuls are 2-D (`[batch·seq, in] · [in, out]`), attention is batched 4-D.
 */
export function createTransformerBlock(sizes: BlockSizes = NOTES_BLOCK, seed = 7) {
  const { hidden, heads, seq, batch, intermediate } = sizes;
  const headDim = hidden / heads;
  let nextSeed = seed;
  const weight = (rows: number, cols: number) =>
    tf.variable(tf.randomNormal([rows, cols], 0, 1 / Math.sqrt(rows), 'float32', nextSeed++));
  const weights = {
    wq: weight(hidden, hidden),
    wk: weight(hidden, hidden),
    wv: weight(hidden, hidden),
    wo: weight(hidden, hidden),
    wGate: weight(hidden, intermediate),
    wUp: weight(hidden, intermediate),
    wDown: weight(intermediate, hidden),
    norm1: tf.variable(tf.ones([hidden]) as tf.Tensor1D),
    norm2: tf.variable(tf.ones([hidden]) as tf.Tensor1D),
  };
  const input: tf.Tensor2D = tf.randomNormal([batch * seq, hidden], 0, 1, 'float32', nextSeed++);
  // RoPE tables [seq, headDim] (rotate-half layout) and the causal mask [seq, seq].
  const { cos, sin, mask } = tf.tidy(() => {
    const half = headDim / 2;
    const inverse: tf.Tensor1D = tf.div(1, tf.pow(10000, tf.div(tf.range(0, half), half)));
    const angles = tf.outerProduct(tf.range(0, seq), inverse);
    const both = tf.concat([angles, angles], 1);
    const causal = tf.sub(1, tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0));
    const table = (values: tf.Tensor) => tf.reshape(values, [1, 1, seq, headDim]) as tf.Tensor4D;
    return { cos: table(tf.cos(both)), sin: table(tf.sin(both)), mask: tf.mul(causal, -1e9) };
  });

  // The model's named ops (src/ops): single kernels where useKernels installed them, composites otherwise.
  const norm = (x: tf.Tensor2D, gain: tf.Tensor1D) => rmsNorm(x, gain, 1e-6);
  const toHeads = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [batch, seq, heads, headDim]), [0, 2, 1, 3]);

  const forward = (x: tf.Tensor2D): tf.Tensor2D => {
    const h = norm(x, weights.norm1);
    const q = rope(toHeads(tf.matMul(h, weights.wq)) as tf.Tensor4D, cos, sin);
    const k = rope(toHeads(tf.matMul(h, weights.wk)) as tf.Tensor4D, cos, sin);
    const v = toHeads(tf.matMul(h, weights.wv));
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), mask);
    const context = tf.matMul(tf.softmax(scores), v);
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * seq, hidden]) as tf.Tensor2D;
    const attended = tf.add(x, tf.matMul(merged, weights.wo)) as tf.Tensor2D;
    const g = norm(attended, weights.norm2);
    const gate = tf.matMul(g, weights.wGate);
    const mlp = tf.matMul(swiGlu(gate, tf.matMul(g, weights.wUp)), weights.wDown);
    return tf.add(attended, mlp) as tf.Tensor2D;
  };

  return {
    weights,
    /** Loss and the gradient of every weight, keyed like `weights` (caller disposes). */
    step(): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(forward(input))) as tf.Scalar);
      // Keyed by weight (wq, …, norm2) instead of tfjs's generated variable names.
      const byWeight: tf.NamedTensorMap = {};
      for (const [key, variable] of Object.entries(weights)) byWeight[key] = grads[variable.name]!;
      return { loss: value, grads: byWeight };
    },
    dispose(): void {
      tf.dispose([...Object.values(weights), input, cos, sin, mask]);
    },
  };
}
