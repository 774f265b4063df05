import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { readGolden } from '@lawgpt/test-helpers/golden';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { loadModel } from './load.js';
import { causalLmLoss } from './loss.js';
import type { LlamaModel } from './model.js';

describe('causalLmLoss', () => {
  it('equals the hand-computed shifted mean cross-entropy, ignoring -100', async () => {
    const values = [0.1, 2, -1, 0.5, 0.3, 0.2, 1, 1, 1, -2, 0, 3];
    const logits = tf.tensor3d(values, [1, 4, 3]);
    const labels = [[0, 1, -100, 2]];
    const loss = causalLmLoss(logits, labels);
    const row = (t: number) => values.slice(t * 3, t * 3 + 3);
    const ce = (t: number, label: number) =>
      Math.log(row(t).reduce((s, v) => s + Math.exp(v), 0)) - row(t)[label];
    expect((await loss.data())[0]).toBeCloseTo((ce(0, 1) + ce(2, 2)) / 2, 5);
    expect(() => causalLmLoss(logits, [[0, -100, -100, -100]])).toThrow(InputError);
    expect(() => causalLmLoss(logits, [[0, 5, 1, 1]])).toThrow(/labels\[0\]\[1\]/);
    tf.dispose([logits, loss]);
  });
});

for (const fixture of ['s1', 's2']) {
  describeWithShared(`loss and gradients ${fixture}`, [`fixtures/models/${fixture}/model`], () => {
    let model: LlamaModel;
    beforeAll(async () => {
      model = await loadModel(sharedPath('fixtures/models', fixture, 'model'));
      model.setTrainable(true);
    });
    afterAll(() => model?.dispose());

    it('matches the golden loss (1e-5), every grad norm (1e-4 relative) and the full q_proj gradient (1e-6)', async () => {
      const golden = readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base.loss;
      const variables = [...model.parameters.values()];
      const { value, grads } = tf.variableGrads(
        () =>
          causalLmLoss(
            model.forward(golden.input_ids, { attentionMask: golden.attention_mask }),
            golden.labels,
          ),
        variables,
      );
      expect(Math.abs((await value.data())[0] - golden.loss)).toBeLessThan(1e-5);
      const byName = new Map([...model.parameters].map(([name, variable]) => [variable.name, name]));
      const gradients = new Map(
        Object.entries(grads).map(([variableName, grad]) => [byName.get(variableName)!, grad]),
      );
      expect([...gradients.keys()].sort()).toEqual(Object.keys(golden.grad_norms).sort());
      let worst = 0;
      for (const [name, norm] of Object.entries(golden.grad_norms)) {
        const values = (await gradients.get(name)!.data()) as Float32Array;
        const ours = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
        worst = Math.max(worst, Math.abs(ours - norm) / norm);
      }
      expect(worst).toBeLessThan(1e-4);
      for (const [name, full] of Object.entries(golden.grad)) {
        // gradients are in memory layout [in, out]; the golden is HF [out, in]
        const values = (await gradients.get(name)!.data()) as Float32Array;
        const columns = full.length;
        let maxDiff = 0;
        full.forEach((row, out) => {
          row.forEach((g, input) => {
            maxDiff = Math.max(maxDiff, Math.abs(values[input * columns + out] - g));
          });
        });
        expect(maxDiff).toBeLessThan(1e-6);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
  });
}
