/**
 * Qwen2 (q/k/v biases, tied embeddings) and Qwen3 (q/k RMSNorm over head_dim before RoPE, explicit head_dim)
 * against their golden files (tolerances as for s1/s2: logits LOGITS_TOLERANCE, greedy tokens equal, loss 1e-5,
 * grad norms 1e-4 relative), with tfjs-held float32 weights and engine-held weights (float32 within
 * LOGITS_TOLERANCE; bf16 / q8_0 within the bounds of weight-formats.test.ts).
 */
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, readGolden } from '@lawgpt/test-helpers/golden';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generate } from './generation/generate.js';
import { loadModel } from './load.js';
import { causalLmLoss } from './loss.js';
import type { LlamaModel } from './model.js';
import { LOGITS_TOLERANCE } from './tolerances.test-helpers.js';

const CASES = [
  { label: 'tfjs float32', options: {}, bound: LOGITS_TOLERANCE },
  { label: 'engine-held f32', options: { storage: 'stored' as const }, bound: LOGITS_TOLERANCE },
  { label: 'engine-held bf16', options: { dtype: 'bf16' as const }, bound: 1e-2 },
  { label: 'engine-held q8_0', options: { dtype: 'q8_0' as const }, bound: 3e-2 },
];

async function greedyTokens(model: LlamaModel, prompt: number[], count: number): Promise<number[]> {
  const tokens: number[] = [];
  for await (const chunk of generate({ model, inputIds: prompt, maxNewTokens: count, eosTokenId: [] }))
    tokens.push(...chunk.tokenIds);
  return tokens;
}

for (const fixture of ['q2', 'q3'] as const) {
  const dir = () => sharedPath('fixtures/models', fixture, 'model');
  const golden = () => readGolden(sharedPath('fixtures/models', fixture, 'golden.json'));

  describeWithShared(`${fixture}: logits and greedy tokens`, [`fixtures/models/${fixture}`], () => {
    for (const { label, options, bound } of CASES) {
      it(`${label}: logits within ${bound} of the golden${bound === LOGITS_TOLERANCE ? ', argmax and greedy tokens equal' : ''}`, async () => {
        const model = await loadModel(dir(), options);
        try {
          expect(model.config.modelType).toBe(fixture === 'q2' ? 'qwen2' : 'qwen3');
          let worst = 0;
          for (const record of golden().base.logits) {
            const logits = model.forward(record.input_ids);
            const { maxDiff, argmaxEqual } = compareLogits(
              (await logits.data()) as Float32Array,
              model.config.vocabSize,
              record,
            );
            logits.dispose();
            worst = Math.max(worst, maxDiff);
            if (bound === LOGITS_TOLERANCE) expect(argmaxEqual).toBe(true);
          }
          console.log(`[${fixture} ${label}] max |Δ logits| ${worst.toExponential(2)}`);
          expect(worst).toBeLessThan(bound);
          if (bound === LOGITS_TOLERANCE) {
            const { greedy } = golden().base;
            expect(await greedyTokens(model, greedy.prompt, greedy.new_tokens.length)).toEqual(
              greedy.new_tokens,
            );
          }
        } finally {
          model.dispose();
        }
      });
    }
  });

  describeWithShared(`${fixture}: KV cache, loss and gradients`, [`fixtures/models/${fixture}`], () => {
    let model: LlamaModel;
    beforeAll(async () => {
      model = await loadModel(dir());
    });
    afterAll(() => model?.dispose());

    it('decodes the 33-token input through the KV cache like the golden', async () => {
      const record = golden().base.logits[2]!;
      const ids = record.input_ids[0]!;
      const vocab = model.config.vocabSize;
      const cache = model.createCache();
      const steps = new Float32Array(ids.length * vocab);
      const prefill = model.forward([ids.slice(0, 5)], { cache });
      steps.set(await prefill.data(), 0);
      prefill.dispose();
      for (let t = 5; t < ids.length; t++) {
        const logits = model.forward([[ids[t]!]], { cache });
        steps.set(await logits.data(), t * vocab);
        logits.dispose();
      }
      cache.dispose();
      const { maxDiff, argmaxEqual } = compareLogits(steps, vocab, record);
      expect(maxDiff).toBeLessThan(LOGITS_TOLERANCE);
      expect(argmaxEqual).toBe(true);
    });

    if (fixture === 'q2')
      it('a tied output layer follows the embedding when an optimizer assigns it new values', async () => {
        expect(model.config.tieWordEmbeddings).toBe(true);
        const ids = [[1, 17, 250, 33]];
        const name = 'model.embed_tokens.weight';
        const original = await model.readParameter(name);
        const embed = model.parameter(name);
        embed.assign(tf.mul(embed, 1.5)); // as AdamW updates a variable: new values, same variable
        const assigned = Array.from(await model.forward(ids).data());
        await model.setParameter(
          name,
          original.map((value) => value * 1.5),
        ); // a new variable: nothing cached
        expect(assigned).toEqual(Array.from(await model.forward(ids).data()));
        await model.setParameter(name, original);
      });

    it('matches the golden loss (1e-5) and the grad norm of every weight, biases and q/k norms included (1e-4 relative)', async () => {
      const { loss: expected } = golden().base;
      model.setTrainable(true);
      const variables = [...model.parameters.values()];
      const { value, grads } = tf.variableGrads(
        () =>
          causalLmLoss(
            model.forward(expected.input_ids, { attentionMask: expected.attention_mask }),
            expected.labels,
          ),
        variables,
      );
      model.setTrainable(false);
      const loss = (await value.data())[0]!;
      expect(Math.abs(loss - expected.loss)).toBeLessThan(1e-5);
      const byName = new Map([...model.parameters].map(([name, variable]) => [variable.name, name]));
      const norms = new Map<string, number>();
      for (const [variableName, grad] of Object.entries(grads)) {
        const values = (await grad.data()) as Float32Array;
        norms.set(byName.get(variableName)!, Math.sqrt(values.reduce((sum, v) => sum + v * v, 0)));
      }
      expect([...norms.keys()].sort()).toEqual(Object.keys(expected.grad_norms).sort());
      let worst = 0;
      for (const [name, norm] of Object.entries(expected.grad_norms))
        worst = Math.max(worst, Math.abs(norms.get(name)! - norm) / norm);
      console.log(
        `[${fixture}] |Δ loss| ${Math.abs(loss - expected.loss).toExponential(2)}, grad norms max rel Δ ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(1e-4);
      tf.dispose([value, ...Object.values(grads)]);
      // after training mode the tied output layer uses the (unchanged) embedding again
      const record = golden().base.logits[1]!;
      const logits = model.forward(record.input_ids);
      expect(
        compareLogits((await logits.data()) as Float32Array, model.config.vocabSize, record).maxDiff,
      ).toBeLessThan(LOGITS_TOLERANCE);
      logits.dispose();
    });
  });
}
