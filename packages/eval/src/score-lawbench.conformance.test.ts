import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { beforeAll, expect, it } from 'vitest';
import { LAWBENCH_TASKS } from './lawbench-tasks.js';
import { type PublishedResult, publishedScores, readPublishedResults } from './published-results.js';
import { type LawBenchResults, scoreLawBench } from './score-lawbench.js';

const MODELS = ['GPT4', 'GPT-3.5-turbo-0613', 'lawgpt-7b-beta1.1-hf'];
/** |ours − published| allowed per task: ROUGE-L tasks 1e-7; 2-1 (ChERRANT under a work budget, see README) 0.005. */
const TOLERANCE: Record<string, number> = {
  '1-1': 1e-7,
  '2-7': 1e-7,
  '3-2': 1e-7,
  '3-8': 1e-7,
  '2-1': 0.005,
};

describeWithShared(
  'LawBench conformance: our scores vs results_zero_shot.csv',
  ['data/lawbench/predictions'],
  () => {
    const ours = new Map<string, LawBenchResults>();
    let published: PublishedResult[] = [];

    beforeAll(async () => {
      const dataDir = sharedPath('data/lawbench');
      published = await readPublishedResults(sharedPath('data/lawbench/predictions/results_zero_shot.csv'));
      for (const model of MODELS) {
        ours.set(
          model,
          await scoreLawBench({
            predictionsDir: sharedPath('data/lawbench/predictions/zero_shot', model),
            dataDir,
          }),
        );
      }
      const rows = [
        `task  | ${MODELS.map((m) => `${m.slice(0, 20).padEnd(20)} ours / published        `).join('| ')}`,
      ];
      for (const task of LAWBENCH_TASKS) {
        const cells = MODELS.map((model) => {
          const mine = ours.get(model)!.tasks[task];
          const theirs = publishedScores(published, model)[task];
          const a = mine ? mine.score.toFixed(6) : '   —    ';
          const b = theirs ? theirs.score.toFixed(6) : '   —    ';
          const d = mine && theirs ? (mine.score - theirs.score).toExponential(1) : '';
          return `${a} / ${b} Δ${d}`.padEnd(44);
        });
        rows.push(`${task.padEnd(5)} | ${cells.join('| ')}`);
      }
      console.log(rows.join('\n'));
    }, 600_000);

    for (const model of MODELS) {
      it(`${model}: every task with predictions matches the published score and abstention`, () => {
        const theirs = publishedScores(published, model);
        const results = ours.get(model)!;
        expect(Object.keys(results.tasks)).toHaveLength(18);
        const failures: string[] = [];
        for (const [task, mine] of Object.entries(results.tasks)) {
          const tolerance = TOLERANCE[task] ?? 1e-6;
          const row = theirs[task];
          if (!(Math.abs(mine.score - row.score) <= tolerance))
            failures.push(`${task} score ${mine.score} vs ${row.score}`);
          if (!(Math.abs(mine.abstentionRate - row.abstentionRate) <= 1e-6)) {
            failures.push(`${task} abstention ${mine.abstentionRate} vs ${row.abstentionRate}`);
          }
        }
        expect(failures).toEqual([]);
      });
    }
  },
);
