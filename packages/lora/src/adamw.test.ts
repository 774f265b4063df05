import { selectBackend } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { learningRateAt } from './learning-rate.js';

// The reference arithmetic is float32 on the plain JS backend, chosen as the library chooses backends.
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** Reference AdamW on plain numbers (torch.optim.AdamW's update rule). */
function referenceAdamW(w: number, grads: number[], lr: number, decay: number) {
  let m = 0;
  let v = 0;
  grads.forEach((g, index) => {
    const t = index + 1;
    w *= 1 - lr * decay;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    w -= (lr * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
  });
  return w;
}

describe('AdamW', () => {
  it('matches the reference update rule and resumes exactly from exported state', async () => {
    await tf.setBackend('cpu');
    const grads = [0.5, -0.2, 0.1, 0.3];
    const variables = new Map([['w', tf.variable(tf.tensor1d([1.5]))]]);
    const optimizer = new AdamW({ weightDecay: 0.1 });
    for (const g of grads.slice(0, 2)) optimizer.apply(variables, { w: tf.tensor1d([g]) }, 0.01);
    const state = await optimizer.exportState();
    const resumed = new AdamW({ weightDecay: 0.1 });
    resumed.importState(state);
    for (const g of grads.slice(2)) resumed.apply(variables, { w: tf.tensor1d([g]) }, 0.01);
    expect(resumed.steps).toBe(4);
    expect(variables.get('w')!.dataSync()[0]).toBeCloseTo(referenceAdamW(1.5, grads, 0.01, 0.1), 6);
  });
});

describe('learning-rate schedule', () => {
  const schedule = { learningRate: 1e-3, warmupSteps: 10, totalSteps: 110 };
  it('warms up linearly then decays', () => {
    expect(learningRateAt(5, { ...schedule, decay: 'linear' })).toBeCloseTo(5e-4);
    expect(learningRateAt(60, { ...schedule, decay: 'linear' })).toBeCloseTo(5e-4);
    expect(learningRateAt(60, { ...schedule, decay: 'cosine' })).toBeCloseTo(5e-4);
    expect(learningRateAt(35, { ...schedule, decay: 'cosine' })).toBeCloseTo(
      1e-3 * 0.5 * (1 + Math.cos(Math.PI / 4)),
    );
    expect(learningRateAt(110, { ...schedule, decay: 'linear' })).toBe(0);
    expect(learningRateAt(80, { ...schedule, decay: 'constant' })).toBe(1e-3);
  });
});
