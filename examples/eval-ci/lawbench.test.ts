// A CI gate on LawBench scores. Run from the repository root (after `npx nx run @lawgpt/eval:build`):
//   LAWBENCH_DATA_DIR=../shared/data/lawbench npx vitest run examples/eval-ci
// Point PREDICTIONS_DIR at your model's prediction files (one <task>.json per task, LawBench's format), e.g. the
// output of `lawgpt eval run`. By default it scores the published GPT-4 zero-shot predictions.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expectScores, scoreLawBench } from '@lawgpt/eval';
import { describe, it } from 'vitest';

const dataDir = process.env.LAWBENCH_DATA_DIR ?? join(__dirname, '../../../shared/data/lawbench');
const predictionsDir = process.env.PREDICTIONS_DIR ?? join(dataDir, 'predictions/zero_shot/GPT4');

// A folder you named must exist (a typo fails the gate); the default one may be absent (a clone without ../shared).
const missing = [dataDir, predictionsDir].find((dir) => !existsSync(dir));
const named = process.env.LAWBENCH_DATA_DIR !== undefined || process.env.PREDICTIONS_DIR !== undefined;
if (missing && named) throw new Error(`LAWBENCH_DATA_DIR / PREDICTIONS_DIR: ${missing} does not exist`);
const skipReason =
  missing && `${missing} not found; set LAWBENCH_DATA_DIR (and PREDICTIONS_DIR) to run the gate`;
if (skipReason) console.warn(`[skip] LawBench quality gate: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('LawBench quality gate', () => {
  it('keeps charge prediction, article prediction and the average above their floors', async () => {
    const results = await scoreLawBench({
      predictionsDir,
      dataDir,
      tasks: ['1-2', '3-1', '3-3', '3-6', '3-7'],
    });
    // Fails with a readable diff, e.g.
    //   1 score expectation(s) failed:
    //     - 3-3: score 0.4199 < min 0.5
    //   ✗ 3-3              0.4199  expected [0.5, ∞]
    expectScores(results, {
      '3-3': { min: 0.3, maxAbstention: 0.3 },
      '3-1': { min: 0.4 },
      applying: { min: 0.4 },
      average: { min: 0.4 },
    });
  }, 120_000);
});
