/**
 * The shared fixtures (s1, s2 sharded, Qwen2 q2, Qwen3 q3) on the webgpu backend, against their golden files
 * (PyTorch) and against the wasm engine. Bounds (issue 16): logits within 1e-4 and greedy tokens equal (decoded
 * through the KV cache); q8_0 held by the engine within 1e-4 of the wasm engine's q8_0 logits; loss within 1e-5
 * and every gradient norm within 1e-4 relative of the golden. Skipped, with the reason printed, without the
 * shared fixtures, the optional `webgpu` packages or an adapter.
 */
import { selectBackend } from '@lawgpt/engine';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, readGolden } from '@lawgpt/test-helpers/golden';
import { webgpuUnavailable } from '@lawgpt/test-helpers/webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './generation/generate.js';
import { loadModel } from './load.js';
import { causalLmLoss } from './loss.js';
import type { LlamaModel } from './model.js';

const BOUND = 1e-4;

const reason = await webgpuUnavailable('webgpu-fixtures.test');

async function greedyTokens(model: LlamaModel, prompt: number[], count: number): Promise<number[]> {
  const tokens: number[] = [];
  for await (const chunk of generate({ model, inputIds: prompt, maxNewTokens: count, eosTokenId: [] }))
    tokens.push(...chunk.tokenIds);
  return tokens;
}

async function allLogits(model: LlamaModel, inputs: number[][][]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const ids of inputs) {
    const logits = model.forward(ids);
    out.push((await logits.data()) as Float32Array);
    logits.dispose();
  }
  return out;
}

describe.skipIf(reason !== undefined)('shared fixtures on webgpu', () => {
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  for (const fixture of ['s1', 's2', 'q2', 'q3'] as const) {
    const dir = () => sharedPath('fixtures/models', fixture, 'model');
    const golden = () => readGolden(sharedPath('fixtures/models', fixture, 'golden.json'));

    describeWithShared(`${fixture}`, [`fixtures/models/${fixture}`], () => {
      it(`float32: logits within ${BOUND} of the golden, argmax and greedy tokens (KV cache) equal`, async () => {
        const model = await loadModel(dir(), { backend: 'webgpu' });
        try {
          expect(model.backend?.adapter).toBeDefined();
          let worst = 0;
          for (const record of golden().base.logits) {
            const [logits] = await allLogits(model, [record.input_ids]);
            const { maxDiff, argmaxEqual } = compareLogits(logits!, model.config.vocabSize, record);
            worst = Math.max(worst, maxDiff);
            expect(argmaxEqual).toBe(true);
          }
          console.log(`[webgpu ${fixture}] float32: max |Δ logits| vs golden ${worst.toExponential(2)}`);
          expect(worst).toBeLessThan(BOUND);
          const { greedy } = golden().base;
          expect(await greedyTokens(model, greedy.prompt, greedy.new_tokens.length)).toEqual(
            greedy.new_tokens,
          );
        } finally {
          model.dispose();
        }
      });

      it(`q8_0 held by the engine: logits within ${BOUND} of the wasm engine's`, async () => {
        const inputs = golden().base.logits.map((record) => record.input_ids);
        const wasm = await loadModel(dir(), { backend: 'wasm', dtype: 'q8_0' });
        const want = await allLogits(wasm, inputs).finally(() => wasm.dispose());
        const gpu = await loadModel(dir(), { backend: 'webgpu', dtype: 'q8_0' });
        const got = await allLogits(gpu, inputs).finally(() => gpu.dispose());
        let worst = 0;
        for (const [i, values] of got.entries()) {
          for (let j = 0; j < values.length; j++)
            worst = Math.max(worst, Math.abs(values[j]! - want[i]![j]!));
        }
        console.log(`[webgpu ${fixture}] q8_0: max |Δ logits| vs wasm ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(BOUND);
      });

      it('loss within 1e-5 and every gradient norm within 1e-4 relative of the golden', async () => {
        const model = await loadModel(dir(), { backend: 'webgpu' });
        try {
          model.setTrainable(true);
          const reference = golden().base.loss;
          const { value, grads } = tf.variableGrads(() =>
            causalLmLoss(
              model.forward(reference.input_ids, { attentionMask: reference.attention_mask }),
              reference.labels,
            ),
          );
          const loss = (await value.data())[0]!;
          const byName = new Map([...model.parameters].map(([name, variable]) => [variable.name, name]));
          let worst = 0;
          for (const [variableName, grad] of Object.entries(grads)) {
            const norm = reference.grad_norms[byName.get(variableName)!]!;
            const ours = (await tf.norm(grad).data())[0]!;
            worst = Math.max(worst, Math.abs(ours - norm) / norm);
          }
          expect(Object.keys(grads).length).toBe(Object.keys(reference.grad_norms).length);
          tf.dispose([value, ...Object.values(grads)]);
          console.log(
            `[webgpu ${fixture}] loss ${loss} (golden ${reference.loss}), worst grad-norm relative diff ${worst.toExponential(2)}`,
          );
          expect(Math.abs(loss - reference.loss)).toBeLessThan(1e-5);
          expect(worst).toBeLessThan(1e-4);
        } finally {
          model.dispose();
        }
      });
    });
  }
});
