import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, readGolden } from '@lawgpt/test-helpers/golden';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadModel } from './load.js';
import type { LlamaModel } from './model.js';
import { LOGITS_TOLERANCE as TOLERANCE } from './tolerances.test-helpers.js';

for (const [fixture, folder, section] of [
  ['s1', 'model', 'base'],
  ['s2', 'model', 'base'],
  ['s2', 'model-sharded', 'base'],
  ['s2', 'model-bf16', 'bf16'],
] as const) {
  describeWithShared(
    `forward conformance ${fixture}/${folder}`,
    [`fixtures/models/${fixture}/${folder}`],
    () => {
      let model: LlamaModel;
      const golden = () => readGolden(sharedPath('fixtures/models', fixture, 'golden.json'));
      beforeAll(async () => {
        model = await loadModel(sharedPath('fixtures/models', fixture, folder));
      });
      afterAll(() => model?.dispose());

      it(`matches the golden logits, logsumexp and argmax of all three inputs within ${TOLERANCE}`, async () => {
        const records = section === 'bf16' ? golden().bf16!.logits : golden().base.logits;
        expect(records).toHaveLength(3);
        for (const record of records) {
          const logits = model.forward(record.input_ids);
          const values = (await logits.data()) as Float32Array;
          logits.dispose();
          const { maxDiff, argmaxEqual } = compareLogits(values, model.config.vocabSize, record);
          expect(maxDiff).toBeLessThan(TOLERANCE);
          expect(argmaxEqual).toBe(true);
        }
      });

      it('decodes the 33-token input token by token through the KV cache like the full pass', async () => {
        const records = section === 'bf16' ? golden().bf16!.logits : golden().base.logits;
        const record = records[2];
        const ids = record.input_ids[0];
        const cache = model.createCache();
        const vocab = model.config.vocabSize;
        const steps = new Float32Array(ids.length * vocab);
        // 5-token prefill, then one token at a time
        const prefill = model.forward([ids.slice(0, 5)], { cache });
        steps.set(await prefill.data(), 0);
        prefill.dispose();
        for (let t = 5; t < ids.length; t++) {
          const logits = model.forward([[ids[t]]], { cache });
          steps.set(await logits.data(), t * vocab);
          logits.dispose();
        }
        expect(cache.length).toBe(ids.length);
        cache.dispose();
        const { maxDiff, argmaxEqual } = compareLogits(steps, vocab, record);
        expect(maxDiff).toBeLessThan(TOLERANCE);
        expect(argmaxEqual).toBe(true);
      });
    },
  );
}

describeWithShared('hidden states and padding (s2)', ['fixtures/models/s2/model'], () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await loadModel(sharedPath('fixtures/models/s2/model'));
  });
  afterAll(() => model?.dispose());

  it(`returns HF output_hidden_states (first 8 columns and per-position RMS) within ${TOLERANCE}`, async () => {
    const { hidden_states: golden } = readGolden(sharedPath('fixtures/models/s2/golden.json')).base;
    const { logits, hiddenStates } = model.run(golden.input_ids, { outputHiddenStates: true });
    logits.dispose();
    expect(hiddenStates).toHaveLength(model.config.numHiddenLayers + 1);
    let maxDiff = 0;
    for (const [index, state] of hiddenStates!.entries()) {
      const values = (await state.data()) as Float32Array;
      const hidden = model.config.hiddenSize;
      golden.first8[index][0].forEach((row, t) => {
        row.forEach((value, j) => {
          maxDiff = Math.max(maxDiff, Math.abs(values[t * hidden + j] - value));
        });
        let squares = 0;
        for (let j = 0; j < hidden; j++) squares += values[t * hidden + j] ** 2;
        maxDiff = Math.max(maxDiff, Math.abs(Math.sqrt(squares / hidden) - golden.rms[index][0][t]));
      });
      state.dispose();
    }
    expect(maxDiff).toBeLessThan(TOLERANCE);
  });

  it('gives a left-padded row the same logits as the row alone, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const golden = readGolden(sharedPath('fixtures/models/s2/golden.json')).base.logits;
    const short = golden[1].input_ids[0];
    const long = golden[2].input_ids[0].slice(0, 12);
    const padded = [...new Array(long.length - short.length).fill(0), ...short];
    const mask = [padded.map((_, i) => (i < long.length - short.length ? 0 : 1)), long.map(() => 1)];
    const logits = model.forward([padded, long], { attentionMask: mask });
    const vocab = model.config.vocabSize;
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    const lastOfShort = values.subarray((long.length - 1) * vocab, long.length * vocab);
    const maxDiff = Math.max(...golden[1].last_logits.map((value, j) => Math.abs(value - lastOfShort[j])));
    expect(maxDiff).toBeLessThan(TOLERANCE);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('decodes a left-padded batch through the KV cache like each row alone', async () => {
    const vocab = model.config.vocabSize;
    const rows = [
      [1, 17, 250],
      [1, 5, 99, 400, 7, 12],
    ];
    const next = [33, 44];
    const alone = async (row: number[], token: number) => {
      const logits = model.forward([[...row, token]]);
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      return values.slice(row.length * vocab);
    };
    const width = 6;
    const padded = rows.map((row) => [...new Array(width - row.length).fill(0), ...row]);
    const mask = rows.map((row) => [...new Array(width - row.length).fill(0), ...row.map(() => 1)]);
    const cache = model.createCache();
    model.forward(padded, { cache, attentionMask: mask }).dispose();
    const step = model.forward(
      next.map((token) => [token]),
      { cache },
    );
    const values = (await step.data()) as Float32Array;
    step.dispose();
    cache.dispose();
    for (const [index, row] of rows.entries()) {
      const expected = await alone(row, next[index]);
      const actual = values.subarray(index * vocab, (index + 1) * vocab);
      expect(Math.max(...expected.map((value, j) => Math.abs(value - actual[j])))).toBeLessThan(TOLERANCE);
    }
  });
});
