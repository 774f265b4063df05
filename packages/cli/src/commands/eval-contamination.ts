// Before `lawgpt eval run|disc` scores a local model: does the data it was trained on (its training_data.json,
// written by lawgpt sft/pretrain and carried by lawgpt merge) overlap the items about to be scored?

import { join } from 'node:path';
import {
  type BenchmarkItem,
  checkTrainingOverlap,
  createContaminationIndex,
  loadDiscLawEvalItems,
  loadKnowledgeBase,
  loadLawBenchItems,
  readTrainingData,
  TRAINING_DATA_FILE,
  type TrainingOverlapReport,
} from '@lawgpt/data-gen';
import type { CommandIO } from '../command.js';
import type { EvalOptions } from './eval-options.js';

/** `--refuse-contaminated` and training data that overlaps the scored set. */
export class ContaminatedModelError extends Error {
  override name = 'ContaminatedModelError';
  constructor(
    message: string,
    /** The `training_data.json` read. */
    readonly path: string,
    readonly report: TrainingOverlapReport,
  ) {
    super(message);
  }
}

/** The items `eval run` (LawBench, first `limit` of each task) or `eval disc` (objective questions) scores. */
async function scoredItems(options: EvalOptions, dataDir: string): Promise<BenchmarkItem[]> {
  const { limit } = options;
  const position = (item: BenchmarkItem) => Number(item.id.slice(item.id.lastIndexOf('#') + 1));
  if (options.sub === 'disc') {
    const items = await loadDiscLawEvalItems({ root: dataDir });
    // DISC ids count data rows from 1
    return items.filter(
      (item) =>
        item.task.startsWith('disc-law-eval/mcq_') && (limit === undefined || position(item) <= limit),
    );
  }
  const items = await loadLawBenchItems({ root: dataDir, tasks: options.tasks });
  // LawBench ids count items from 0
  return items.filter((item) => limit === undefined || position(item) < limit);
}

/** `3-3 (5 items), 1-2 (3)`: the most overlapped tasks first. */
function overlapSummary(report: TrainingOverlapReport): string {
  return report.overlappedTasks
    .map((task, index) => `${task} (${report.tasks[task].overlappedItems}${index === 0 ? ' items' : ''})`)
    .join(', ');
}

/**
 * Warn (stderr) when a local model's recorded training data overlaps the set about to be scored; with
 * `--refuse-contaminated`, throw a {@link ContaminatedModelError} instead (before the model loads). A model without
 * a `training_data.json` (in its adapter or model folder) is not checked; with `--refuse-contaminated` that is said.
 */
export async function checkEvalContamination(options: EvalOptions, io: CommandIO): Promise<void> {
  const { model, data } = options;
  if (model?.kind === 'served' && options.refuseContaminated)
    io.stderr('eval: --refuse-contaminated: a served model has no training_data.json here; not checked\n');
  if (model?.kind !== 'local' || !data) return;
  const fromAdapter = model.adapter ? await readTrainingData(model.adapter) : undefined;
  const found = fromAdapter ?? (await readTrainingData(model.dir));
  if (!found) {
    if (options.refuseContaminated)
      io.stderr(
        `eval: --refuse-contaminated: no ${TRAINING_DATA_FILE} in ${model.adapter ?? model.dir}; what it was trained on is unknown, not checked\n`,
      );
    return;
  }
  const path = join((fromAdapter && model.adapter) || model.dir, TRAINING_DATA_FILE);
  const started = Date.now();
  const items = await scoredItems(options, data);
  const ignore = options.laws
    ? (await loadKnowledgeBase({ root: options.laws })).articles().map((article) => article.text)
    : [];
  const index = createContaminationIndex({ items, ignore });
  const report = await checkTrainingOverlap({ trainingData: found, index });
  const missing = report.files
    .filter((file) => file.status === 'missing')
    .map((file) => `${file.path} is missing`);
  const changed = report.files
    .filter((file) => file.status === 'changed')
    .map((file) => `${file.path} changed since training`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.stderr(
    `eval: checked ${report.files.length - missing.length} training files (${path}) against ${items.length} scored items in ${seconds} s${[...missing, ...changed].map((note) => `; ${note}`).join('')}\n`,
  );
  if (report.flaggedRecords === 0) return;
  const overlapped = report.overlappedTasks.reduce(
    (sum, task) => sum + report.tasks[task].overlappedItems,
    0,
  );
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const message = `${count(report.flaggedRecords, 'training record')} overlap ${count(overlapped, 'scored item')} in ${count(report.overlappedTasks.length, 'task')}: ${overlapSummary(report)}`;
  if (options.refuseContaminated)
    throw new ContaminatedModelError(
      `refusing to score a contaminated model (--refuse-contaminated): ${message} (from ${path}; lawgpt data decontaminate drops such records)`,
      path,
      report,
    );
  io.stderr(
    `warning: the model's training data overlaps the scored set: ${message}; its scores are not clean\n`,
  );
}
