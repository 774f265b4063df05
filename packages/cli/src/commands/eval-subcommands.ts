// The bodies of `lawgpt eval`'s subcommands, each taking the options `evalOptions` checked.
import { join } from 'node:path';
import {
  perplexity,
  renderDiscMarkdown,
  runDiscLawEval,
  runLawBench,
  scoreLawBench,
  type TextGenerator,
  type TextScorer,
} from '@lawgpt/eval';
import { type CommandIO, UsageError } from '../command.js';
import { runInterruptible } from '../interrupt.js';
import { checkEvalContamination } from './eval-contamination.js';
import { openEvalModel } from './eval-model.js';
import type { EvalOptions } from './eval-options.js';
import { renderResults, writeReport } from './eval-report.js';

/** Fields `evalOptions` guarantees for a subcommand, read without non-null assertions. */
function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  return value;
}

const isScorer = (generator: TextGenerator & Partial<TextScorer>): generator is TextGenerator & TextScorer =>
  typeof generator.logProbs === 'function';

/** lawbench/report: score a folder of prediction files exactly like LawBench. */
export async function scorePredictions(options: EvalOptions, io: CommandIO): Promise<number> {
  const predictionsDir = required(options.predictions, '--predictions');
  const dataDir = required(options.data, '--data');
  const started = Date.now();
  const results = await scoreLawBench({
    predictionsDir,
    dataDir,
    tasks: options.tasks,
    onProgress: ({ task, done, total }) => io.stderr(`\rscored ${done}/${total} (${task})   `),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.stderr(`\rscored ${Object.keys(results.tasks).length} tasks in ${seconds} s\n`);
  await writeReport(await renderResults(results, options.report, dataDir), options.report, io);
  return 0;
}

/** run: generate LawBench predictions into the run folder (resumable), then score them. */
export async function runModel(options: EvalOptions, io: CommandIO): Promise<number> {
  const outputDir = required(options.runDir, '--out');
  const dataDir = required(options.data, '--data');
  await checkEvalContamination(options, io);
  const { generator, local, close } = await openEvalModel({
    model: required(options.model, '--model'),
    prompts: 'chat',
    io,
  });
  let generated = 0;
  const messages = {
    finishing: 'finishing the items being generated',
    stopped: () =>
      `${generated} new predictions kept in ${join(outputDir, '.progress')}; rerun the same command to resume`,
  };
  // The items in flight finish (the signal only stops new ones), so the first Ctrl-C loses no generation.
  const finishing: TextGenerator = {
    generate: (prompt, generateOptions) =>
      generator.generate(prompt, { ...generateOptions, signal: undefined }),
  };
  try {
    return await runInterruptible('eval run', io, messages, async (signal) => {
      const run = await runLawBench({
        generator: finishing,
        dataDir,
        outputDir,
        shot: options.shot,
        tasks: options.tasks,
        limit: options.limit,
        // a local model runs one generation at a time
        concurrency: local ? 1 : options.concurrency,
        retries: options.retries,
        signal,
        onProgress: ({ task, done, total, itemsPerSecond, etaSeconds, generated: count }) => {
          generated = count;
          const eta = Number.isFinite(etaSeconds) ? Math.round(etaSeconds) : '?';
          io.stderr(`\r${task}: ${done}/${total}  ${itemsPerSecond.toFixed(2)} items/s  ETA ${eta} s   `);
        },
      });
      io.stderr(`\ngenerated ${run.generated} predictions into ${outputDir}\n`);
      if (run.results)
        await writeReport(await renderResults(run.results, options.report, dataDir), options.report, io);
      return 0;
    });
  } finally {
    close();
  }
}

/** disc: DISC-Law-Eval's objective questions. */
export async function runDisc(options: EvalOptions, io: CommandIO): Promise<number> {
  const dataDir = required(options.data, '--data');
  await checkEvalContamination(options, io);
  const { generator, local, close } = await openEvalModel({
    model: required(options.model, '--model'),
    prompts: 'chat',
    io,
  });
  try {
    const results = await runDiscLawEval({
      generator,
      dataDir,
      limit: options.limit,
      concurrency: local ? 1 : (options.concurrency ?? 4),
      retries: options.retries,
      onProgress: ({ done, total }) => io.stderr(`\rDISC-Law-Eval ${done}/${total}   `),
    });
    io.stderr('\n');
    const { items: _items, ...summary } = results;
    const text =
      options.report.format === 'json'
        ? `${JSON.stringify(summary, null, 2)}\n`
        : renderDiscMarkdown(results, options.report.name);
    await writeReport(text, options.report, io);
    return 0;
  } finally {
    close();
  }
}

/** perplexity: a local model's perplexity on held-out text. */
export async function runPerplexity(options: EvalOptions, io: CommandIO): Promise<number> {
  const path = required(options.text, '--text');
  const { generator, close } = await openEvalModel({
    model: required(options.model, '--model'),
    prompts: 'raw',
    io,
  });
  if (!isScorer(generator)) {
    close();
    throw new UsageError('perplexity needs a local model (--model DIR)');
  }
  try {
    const result = await perplexity({
      scorer: generator,
      path,
      onProgress: ({ done, total, tokens }) =>
        io.stderr(`\rperplexity ${done}/${total} chunks, ${tokens} tokens   `),
    });
    io.stderr('\n');
    const name = options.report.name;
    const text =
      options.report.format === 'json'
        ? `${JSON.stringify({ model: name, ...result }, null, 2)}\n`
        : `${name}: perplexity ${result.perplexity.toFixed(3)} (mean NLL ${result.meanNll.toFixed(4)} nats over ${result.tokens} tokens, ${result.chunks} chunks)\n`;
    await writeReport(text, options.report, io);
    return 0;
  } finally {
    close();
  }
}
