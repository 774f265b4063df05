/**
 * A tiny random model on the webgpu backend (our WGSL RMSNorm/RoPE/SwiGLU and stored-weight products, tfjs-webgpu
 * for the rest) against the same model on wasm. Skipped, with the reason printed, where the optional `webgpu`
 * packages or a WebGPU adapter are missing. Kept tiny: CI runs it on Mesa's lavapipe (a CPU).
 * Tolerances: logits within 1e-4 (the bar; measured ~1e-6), greedy choices equal, loss within 1e-5 and
 * every gradient norm within 1e-4 relative.
 */
import { selectBackend, type WeightFormat } from '@lawgpt/engine';
import { webgpuUnavailable } from '@lawgpt/test-helpers/webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from './config.js';
import { causalLmLoss } from './loss.js';
import type { LlamaModel } from './model.js';
import { createRandomModel } from './random-model.js';

const LOGITS_BOUND = 1e-4;

const reason = await webgpuUnavailable('webgpu-forward.test');

const config = createLlamaConfig({
  vocabSize: 96,
  hiddenSize: 64,
  intermediateSize: 160,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
});
const INPUT = [[3, 17, 42, 8, 91, 5, 60]];
/** The wasm side runs the project's wasm kernels; webgpu takes none (its WGSL kernels come with the backend). */
const kernelsFor = (backend: 'wasm' | 'webgpu') => (backend === 'wasm' ? 'wasm' : undefined);

/** Logits of INPUT decoded through the KV cache: a 3-token prefill, then one token at a time. */
async function cachedLogitsOn(backend: 'wasm' | 'webgpu', dtype: WeightFormat): Promise<Float32Array> {
  const model = await createRandomModel(config, { seed: 11, backend, dtype, kernels: kernelsFor(backend) });
  const cache = model.createCache();
  try {
    const out = new Float32Array(INPUT[0]!.length * config.vocabSize);
    const prefill = model.forward([INPUT[0]!.slice(0, 3)], { cache });
    out.set((await prefill.data()) as Float32Array, 0);
    prefill.dispose();
    for (let t = 3; t < INPUT[0]!.length; t++) {
      const step = model.forward([[INPUT[0]![t]!]], { cache });
      out.set((await step.data()) as Float32Array, t * config.vocabSize);
      step.dispose();
    }
    return out;
  } finally {
    cache.dispose();
    model.dispose();
  }
}

async function logitsOn(backend: 'wasm' | 'webgpu', dtype: WeightFormat): Promise<Float32Array> {
  const model = await createRandomModel(config, { seed: 11, backend, dtype, kernels: kernelsFor(backend) });
  try {
    const logits = model.forward(INPUT);
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return values;
  } finally {
    model.dispose();
  }
}

function greedy(logits: Float32Array): number[] {
  const choices: number[] = [];
  for (let t = 0; t < logits.length / config.vocabSize; t++) {
    const row = logits.subarray(t * config.vocabSize, (t + 1) * config.vocabSize);
    choices.push(row.indexOf(Math.max(...row)));
  }
  return choices;
}

async function lossAndGradNorms(
  backend: 'wasm' | 'webgpu',
  dtype: WeightFormat,
): Promise<{ loss: number; norms: number[] }> {
  const model: LlamaModel = await createRandomModel(config, {
    seed: 11,
    backend,
    dtype,
    kernels: kernelsFor(backend),
  });
  try {
    model.setTrainable((name) => model.parameters.has(name)); // the tfjs variables (all of them in f32)
    const { value, grads } = tf.variableGrads(() => causalLmLoss(model.forward(INPUT), INPUT));
    // In the model's parameter order (tfjs names variables by a global counter).
    const names = [...model.parameters.values()].map((variable) => variable.name);
    expect(names.every((name) => grads[name] !== undefined)).toBe(true);
    const norms = await Promise.all(names.map(async (name) => (await tf.norm(grads[name]!).data())[0]!));
    const loss = (await value.data())[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, norms };
  } finally {
    model.dispose();
  }
}

describe.skipIf(reason !== undefined)('a tiny model on webgpu equals it on wasm', () => {
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  for (const dtype of ['f32', 'q8_0', 'q4_0', 'bf16'] as const) {
    it(`${dtype} weights: logits within ${LOGITS_BOUND}, greedy choices equal`, async () => {
      const want = await logitsOn('wasm', dtype);
      const got = await logitsOn('webgpu', dtype);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      console.log(`[webgpu] tiny model ${dtype}: max |logit diff| vs wasm ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(LOGITS_BOUND);
      expect(greedy(got)).toEqual(greedy(want));
    });
  }

  it('q8_0 weights decoded through the KV cache: logits within 1e-4 of wasm', async () => {
    const want = await cachedLogitsOn('wasm', 'q8_0');
    const got = await cachedLogitsOn('webgpu', 'q8_0');
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    console.log(
      `[webgpu] tiny model q8_0 through the KV cache: max |logit diff| vs wasm ${worst.toExponential(2)}`,
    );
    expect(worst).toBeLessThan(LOGITS_BOUND);
  });

  // f32: every weight trainable; q8_0: the 2-D weights stored (frozen), the norms' gradients flow through them.
  for (const dtype of ['f32', 'q8_0'] as const) {
    it(`loss and gradient norms (${dtype}) equal the wasm ones`, async () => {
      const want = await lossAndGradNorms('wasm', dtype);
      const got = await lossAndGradNorms('webgpu', dtype);
      expect(got.norms.length).toBe(want.norms.length);
      expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-5);
      let worst = 0;
      for (const [i, norm] of want.norms.entries()) {
        worst = Math.max(worst, Math.abs(got.norms[i]! - norm) / norm);
      }
      console.log(
        `[webgpu] tiny model ${dtype}: loss ${got.loss} (wasm ${want.loss}), worst grad-norm relative diff ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(1e-4);
    });
  }
});
