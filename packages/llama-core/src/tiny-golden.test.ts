/**
 * Conformance without ../shared: the committed tiny model (test-fixtures/tiny-llama, written by
 * scripts/make-tiny-golden.mjs) against the logits of an independent float64 reference (scripts/reference-llama.mjs).
 * Where ../shared is present, that reference is checked against the shared fixtures' PyTorch goldens, so the
 * committed numbers are trusted for the same reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, type Golden, type GoldenLogits, readGolden } from '@lawgpt/test-helpers/golden';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  argmaxWithMargin,
  loadReferenceModel,
  logSumExp,
  referenceLogits,
} from '../scripts/reference-llama.mjs';
import { generate } from './generation/generate.js';
import { loadModel } from './load.js';
import type { LlamaModel } from './model.js';
import { LOGITS_TOLERANCE } from './tolerances.test-helpers.js';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures', 'tiny-llama');
const golden = JSON.parse(readFileSync(join(fixtureDir, 'golden.json'), 'utf8')) as Golden;

/** compareLogits over float64 reference rows instead of a model's float32 output. */
function compareReference(
  rows: Float64Array[],
  record: GoldenLogits,
): { maxDiff: number; argmaxEqual: boolean } {
  let maxDiff = 0;
  let argmaxEqual = true;
  rows.forEach((row, t) => {
    for (let j = 0; j < 8; j++) maxDiff = Math.max(maxDiff, Math.abs(row[j] - record.logits_first8[0][t][j]));
    maxDiff = Math.max(maxDiff, Math.abs(logSumExp(row) - record.logsumexp[0][t]));
    if (argmaxWithMargin(row).argmax !== record.argmax[0][t]) argmaxEqual = false;
  });
  const last = rows.at(-1)!;
  for (let j = 0; j < last.length; j++)
    maxDiff = Math.max(maxDiff, Math.abs(last[j] - record.last_logits[j]));
  return { maxDiff, argmaxEqual };
}

describe('tiny golden model (committed, no ../shared needed)', () => {
  it('is small and its golden.json is what the reference computes from the committed weights', () => {
    const bytes = readdirSync(fixtureDir).reduce(
      (sum, name) => sum + statSync(join(fixtureDir, name)).size,
      0,
    );
    expect(bytes).toBeLessThan(200 * 1024);
    const reference = loadReferenceModel(fixtureDir);
    expect(golden.base.logits.map((record) => record.input_ids[0].length)).toEqual([1, 7, 33]);
    for (const record of golden.base.logits) {
      const { maxDiff, argmaxEqual } = compareReference(
        referenceLogits(reference, record.input_ids[0]),
        record,
      );
      expect(maxDiff).toBeLessThan(1e-8); // golden values are the reference's, rounded to 10 digits
      expect(argmaxEqual).toBe(true);
    }
  });

  for (const storage of ['tensor', 'stored'] as const) {
    describe(`weights ${storage === 'tensor' ? "in tfjs variables (storage: 'tensor')" : "held by the engine (storage: 'stored')"}`, () => {
      let model: LlamaModel;
      beforeAll(async () => {
        model = await loadModel(fixtureDir, { storage });
      });
      afterAll(() => model?.dispose());

      it(`matches the reference logits of all three inputs within ${LOGITS_TOLERANCE}, argmax equal`, async () => {
        let worst = 0;
        for (const record of golden.base.logits) {
          const logits = model.forward(record.input_ids);
          const values = (await logits.data()) as Float32Array;
          logits.dispose();
          const { maxDiff, argmaxEqual } = compareLogits(values, model.config.vocabSize, record);
          worst = Math.max(worst, maxDiff);
          expect(argmaxEqual).toBe(true);
        }
        console.log(`tiny-llama ${storage}: max |Δ logits| ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(LOGITS_TOLERANCE);
      });

      it(`decodes the 33-token input through the KV cache (5-token prefill, then 1 by 1) within ${LOGITS_TOLERANCE}`, async () => {
        const record = golden.base.logits[2];
        const ids = record.input_ids[0];
        const vocab = model.config.vocabSize;
        const steps = new Float32Array(ids.length * vocab);
        const cache = model.createCache();
        for (let start = 0; start < ids.length; ) {
          const end = start === 0 ? 5 : start + 1;
          const logits = model.forward([ids.slice(start, end)], { cache });
          steps.set(await logits.data(), start * vocab);
          logits.dispose();
          start = end;
        }
        expect(cache.length).toBe(ids.length);
        cache.dispose();
        const { maxDiff, argmaxEqual } = compareLogits(steps, vocab, record);
        console.log(`tiny-llama ${storage} KV cache: max |Δ logits| ${maxDiff.toExponential(2)}`);
        expect(maxDiff).toBeLessThan(LOGITS_TOLERANCE);
        expect(argmaxEqual).toBe(true);
      });

      it('reproduces the reference 24-token greedy continuation', async () => {
        const { greedy } = golden.base;
        const tokens: number[] = [];
        for await (const chunk of generate({
          model,
          inputIds: greedy.prompt,
          maxNewTokens: greedy.max_new_tokens,
          eosTokenId: [],
        })) {
          tokens.push(...chunk.tokenIds);
        }
        expect(tokens).toEqual(greedy.new_tokens);
      });
    });
  }
});

for (const fixture of ['s1', 's2']) {
  describeWithShared(
    `the tiny golden's reference vs the PyTorch golden of ${fixture}`,
    [`fixtures/models/${fixture}/model`],
    () => {
      it(`reproduces every golden logits record within ${LOGITS_TOLERANCE} (argmax equal)`, () => {
        const reference = loadReferenceModel(sharedPath('fixtures/models', fixture, 'model'));
        const records = readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base.logits;
        expect(records).toHaveLength(3);
        let worst = 0;
        for (const record of records) {
          const { maxDiff, argmaxEqual } = compareReference(
            referenceLogits(reference, record.input_ids[0]),
            record,
          );
          worst = Math.max(worst, maxDiff);
          expect(argmaxEqual).toBe(true);
        }
        console.log(`reference vs ${fixture} golden: max |Δ logits| ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(LOGITS_TOLERANCE);
      });
    },
  );
}
