import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '@lawgpt/data-gen';
import {
  LAWBENCH_TASK_INFO,
  LAWBENCH_TASKS,
  type LawBenchResults,
  openAiGenerator,
  perplexity,
  readPublishedResults,
  renderCsvReport,
  renderDiscMarkdown,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
  runDiscLawEval,
  runLawBench,
  scoreLawBench,
  type TextGenerator,
  type TextScorer,
} from '@lawgpt/eval';
import type { BackendName } from '@lawgpt/llama-core';
import { chatPromptOptions, checkChatPromptOptions, promptTokenizer } from '../chat-prompts.js';
import { type Command, type CommandIO, type ParsedArgs, UsageError } from '../command.js';
import { createLlamaGenerator } from '../eval/llama-generator.js';
import { runInterruptible } from '../interrupt.js';
import { dtypeValue } from '../option-values.js';
import { dtypeOption, loadRuntime } from '../runtime.js';

const string = (args: ParsedArgs, key: string) => args.values[key] as string | undefined;

function list(value: string | undefined): string[] | undefined {
  return value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : undefined;
}

function dataDir(args: ParsedArgs): string {
  const dir = string(args, 'data') ?? process.env.LAWBENCH_DATA_DIR;
  if (!dir)
    throw new UsageError(
      'give --data DIR (the LawBench data folder with scorer-data/) or set LAWBENCH_DATA_DIR',
    );
  return dir;
}

async function render(
  results: LawBenchResults,
  args: ParsedArgs,
  data: string,
  model: string,
): Promise<string> {
  const compareWith = list(string(args, 'compare')) ?? [];
  const published = compareWith.length
    ? await readPublishedResults(join(data, 'predictions', 'results_zero_shot.csv'))
    : [];
  const options = { model, published, compareWith, allTasks: args.values['all-tasks'] === true };
  const format = args.values.json ? 'json' : (string(args, 'format') ?? 'text');
  if (format === 'json') return renderJsonReport(results, options);
  if (format === 'csv') return renderCsvReport(results, options);
  if (format === 'html') return renderHtmlReport(results, options);
  if (format === 'markdown' || format === 'md') return renderMarkdownReport(results, options);
  if (format !== 'text') throw new UsageError(`unknown --format ${format} (text, markdown, csv, json, html)`);
  const lines = ['task  score   abstention  n    name'];
  for (const task of LAWBENCH_TASKS) {
    const result = results.tasks[task];
    if (!result) continue;
    lines.push(
      `${task.padEnd(5)} ${(result.score * 100).toFixed(2).padStart(6)}  ${(result.abstentionRate * 100).toFixed(2).padStart(6)}     ${String(result.n).padEnd(4)} ${LAWBENCH_TASK_INFO[task].name}`,
    );
  }
  for (const [level, value] of Object.entries(results.levels))
    lines.push(`${level} average: ${(value * 100).toFixed(2)}`);
  lines.push(
    `average: ${(results.average * 100).toFixed(2)} over ${Object.keys(results.tasks).length} tasks`,
  );
  if (results.missing.length) lines.push(`no predictions for: ${results.missing.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

async function output(text: string, args: ParsedArgs, io: CommandIO): Promise<void> {
  const out = string(args, 'out');
  if (out) {
    await writeFileAtomic(out, text);
    io.stderr(`wrote ${out}\n`);
  } else {
    io.stdout(text);
  }
}

/** The model under evaluation: a local folder (`--model-dir`) or an OpenAI-compatible endpoint. */
async function openGenerator(
  args: ParsedArgs,
  sub: string,
  io: CommandIO,
): Promise<{
  generator: TextGenerator & Partial<TextScorer>;
  name: string;
  local: boolean;
  close: () => void;
}> {
  const modelDir = string(args, 'model-dir');
  if (modelDir) {
    checkChatPromptOptions(args.values);
    const runtime = await loadRuntime({
      modelDir,
      tokenizerPath: string(args, 'tokenizer'),
      adapterDir: string(args, 'adapter'),
      backend: string(args, 'backend') as BackendName | undefined,
      dtype: dtypeValue(args.values.dtype, '--dtype'),
    });
    // generated answers are prompted as the model was tuned (its chat template); perplexity scores raw text
    const tokenizer =
      sub === 'perplexity'
        ? runtime.tokenizer
        : await promptTokenizer({
            tokenizer: runtime.tokenizer,
            template: string(args, 'template'),
            raw: args.values.raw === true,
            locations: [string(args, 'tokenizer'), string(args, 'adapter'), modelDir],
            io,
          }).catch((error: Error) => {
            runtime.model.dispose();
            throw error;
          });
    return {
      generator: createLlamaGenerator({
        model: runtime.model,
        tokenizer,
        allowLongContext: args.values['allow-long-context'] === true,
        onWarning: (message) => io.stderr(`\nwarning: ${message}\n`),
      }),
      name: string(args, 'model') ?? basename(modelDir),
      local: true,
      close: () => runtime.model.dispose(),
    };
  }
  const baseUrl = string(args, 'base-url');
  const model = string(args, 'model');
  if (!baseUrl || !model) {
    throw new UsageError(`${sub} needs --model-dir DIR (a local model) or --base-url URL with --model NAME`);
  }
  const apiKey = string(args, 'api-key') ?? process.env.OPENAI_API_KEY;
  return {
    generator: openAiGenerator({ baseUrl, model, apiKey }),
    name: model,
    local: false,
    close: () => {},
  };
}

async function scoreCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const predictionsDir = string(args, 'predictions');
  if (!predictionsDir) throw new UsageError('give --predictions DIR (one <task>.json per task)');
  const data = dataDir(args);
  const started = Date.now();
  const results = await scoreLawBench({
    predictionsDir,
    dataDir: data,
    tasks: list(string(args, 'tasks')),
    onProgress: ({ task, done, total }) => io.stderr(`\rscored ${done}/${total} (${task})   `),
  });
  io.stderr(
    `\rscored ${Object.keys(results.tasks).length} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const model = string(args, 'model') ?? basename(resolve(predictionsDir));
  await output(await render(results, args, data, model), args, io);
  return 0;
}

async function runCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const outputDir = string(args, 'output');
  if (!outputDir) throw new UsageError('run needs --output DIR');
  const data = dataDir(args);
  const number = (key: string) => {
    const value = string(args, key);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new UsageError(`--${key} must be a whole number, got ${value}`);
    return parsed;
  };
  const shot = string(args, 'shot') ?? 'zero';
  if (shot !== 'zero' && shot !== 'one') throw new UsageError(`--shot must be zero or one, got ${shot}`);
  const { generator, name: model, local, close } = await openGenerator(args, 'run', io);
  let generated = 0;
  const messages = {
    finishing: 'finishing the items being generated',
    stopped: () =>
      `${generated} new predictions kept in ${join(outputDir, '.progress')}; rerun the same command to resume`,
  };
  // The items in flight finish (the signal only stops new ones), so the first Ctrl-C loses no generation.
  const finishing: TextGenerator = {
    generate: (prompt, options) => generator.generate(prompt, { ...options, signal: undefined }),
  };
  try {
    return await runInterruptible('eval run', io, messages, async (signal) => {
      const run = await runLawBench({
        generator: finishing,
        dataDir: data,
        outputDir,
        shot,
        tasks: list(string(args, 'tasks')),
        limit: number('limit'),
        // a local model runs one generation at a time
        concurrency: local ? 1 : number('concurrency'),
        retries: number('retries'),
        signal,
        onProgress: ({ task, done, total, itemsPerSecond, etaSeconds, generated: count }) => {
          generated = count;
          io.stderr(
            `\r${task}: ${done}/${total}  ${itemsPerSecond.toFixed(2)} items/s  ETA ${Number.isFinite(etaSeconds) ? Math.round(etaSeconds) : '?'} s   `,
          );
        },
      });
      io.stderr(`\ngenerated ${run.generated} predictions into ${outputDir}\n`);
      if (run.results) await output(await render(run.results, args, data, model), args, io);
      return 0;
    });
  } finally {
    close();
  }
}

async function discCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const data = string(args, 'data');
  if (!data) throw new UsageError('disc needs --data DIR (the DISC-Law-Eval folder)');
  const limit = string(args, 'limit');
  const { generator, name: model, local, close } = await openGenerator(args, 'disc', io);
  const results = await runDiscLawEval({
    generator,
    dataDir: data,
    limit: limit === undefined ? undefined : Number(limit),
    concurrency: local ? 1 : Number(string(args, 'concurrency') ?? 4),
    onProgress: ({ done, total }) => io.stderr(`\rDISC-Law-Eval ${done}/${total}   `),
  });
  close();
  io.stderr('\n');
  const { items: _items, ...summary } = results;
  await output(
    args.values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderDiscMarkdown(results, model),
    args,
    io,
  );
  return 0;
}

async function perplexityCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const path = string(args, 'text');
  if (!path) throw new UsageError('perplexity needs --text FILE (held-out text)');
  if (!string(args, 'model-dir')) throw new UsageError('perplexity needs --model-dir DIR (a local model)');
  const { generator, name, close } = await openGenerator(args, 'perplexity', io);
  const result = await perplexity({
    scorer: generator as TextScorer,
    path,
    onProgress: ({ done, total, tokens }) =>
      io.stderr(`\rperplexity ${done}/${total} chunks, ${tokens} tokens   `),
  });
  close();
  io.stderr('\n');
  const text = args.values.json
    ? `${JSON.stringify({ model: name, ...result }, null, 2)}\n`
    : `${name}: perplexity ${result.perplexity.toFixed(3)} (mean NLL ${result.meanNll.toFixed(4)} nats over ${result.tokens} tokens, ${result.chunks} chunks)\n`;
  await output(text, args, io);
  return 0;
}

/** `lawgpt eval`: score LawBench predictions, generate them from an OpenAI-compatible endpoint, render reports. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'LawBench evaluation: score predictions exactly like LawBench, run a model, write reports',
  usage: [
    'lawgpt eval <lawbench|run|report|disc|perplexity> [options]',
    '       lawgpt eval report --predictions DIR [--model NAME] [--format FMT] [--compare MODELS] [--all-tasks]',
  ].join('\n'),
  options: {
    predictions: {
      type: 'string',
      valueName: 'DIR',
      description: 'lawbench/report: folder with one <task>.json per task',
    },
    data: {
      type: 'string',
      valueName: 'DIR',
      description: 'LawBench data folder (zero_shot/, scorer-data/); default $LAWBENCH_DATA_DIR',
    },
    tasks: { type: 'string', valueName: 'LIST', description: 'comma-separated task ids (default: all)' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
    format: { type: 'string', valueName: 'FMT', description: 'text, markdown, csv, json or html (report)' },
    compare: {
      type: 'string',
      valueName: 'MODELS',
      description:
        'published models to show beside ours, e.g. GPT4,GPT-3.5-turbo-0613; averages cover the tasks every column has',
    },
    'all-tasks': {
      type: 'boolean',
      description:
        "report: also show each column's average over all of its own tasks (the published AVG), labelled as such",
    },
    out: { type: 'string', valueName: 'FILE', description: 'write the report to FILE instead of stdout' },
    'model-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'run/disc/perplexity: a local HF model folder (instead of --base-url)',
    },
    adapter: {
      type: 'string',
      valueName: 'DIR',
      description: 'with --model-dir: a PEFT LoRA adapter on top',
    },
    tokenizer: {
      type: 'string',
      valueName: 'PATH',
      description: 'with --model-dir: tokenizer (default: the model folder)',
    },
    backend: {
      type: 'string',
      valueName: 'NAME',
      description: 'with --model-dir: tensorflow | gpu | wasm | cpu',
    },
    dtype: { ...dtypeOption, description: `with --model-dir: ${dtypeOption.description}` },
    'allow-long-context': {
      type: 'boolean',
      description:
        "with --model-dir: generate past the model's max_position_embeddings (default: stop there); the warning names the RoPE scaling",
    },
    template: {
      ...chatPromptOptions.template,
      description: `run/disc with --model-dir: ${chatPromptOptions.template.description}`,
    },
    raw: {
      ...chatPromptOptions.raw,
      description: `run/disc with --model-dir: ${chatPromptOptions.raw.description}`,
    },
    text: { type: 'string', valueName: 'FILE', description: 'perplexity: held-out text file' },
    model: {
      type: 'string',
      valueName: 'NAME',
      description:
        "name of the model in every report (lawbench/report: default the --predictions folder's name; " +
        'run/disc/perplexity: the model at --base-url, default the --model-dir folder name)',
    },
    'base-url': {
      type: 'string',
      valueName: 'URL',
      description: 'run: OpenAI-compatible base URL, e.g. http://localhost:8000/v1',
    },
    'api-key': { type: 'string', valueName: 'KEY', description: 'run: API key (default $OPENAI_API_KEY)' },
    output: { type: 'string', valueName: 'DIR', description: 'run: where prediction files go (resumable)' },
    shot: {
      type: 'string',
      valueName: 'zero|one',
      description: 'run: zero- or one-shot prompts',
      default: 'zero',
    },
    limit: { type: 'string', valueName: 'N', description: 'run: only the first N items of each task' },
    concurrency: { type: 'string', valueName: 'N', description: 'run: requests in flight', default: '4' },
    retries: { type: 'string', valueName: 'N', description: 'run: retries per failed request', default: '2' },
  },
  details: `Examples:
  lawgpt eval lawbench --predictions ../shared/data/lawbench/predictions/zero_shot/GPT4 --data ../shared/data/lawbench
  lawgpt eval lawbench --predictions out/ --json
  lawgpt eval run --base-url http://localhost:8000/v1 --model my-model --output out/ --limit 20
  lawgpt eval report --predictions out/ --model my-lawgpt --format html --compare GPT4 --out report.html
  lawgpt eval report --predictions out/ --compare GPT4,GPT-3.5-turbo-0613 --all-tasks   # markdown
  lawgpt eval run --model-dir ./lawgpt --adapter ./sft-lora --output out/ --tasks 3-3,3-4 --limit 50
  lawgpt eval perplexity --model-dir ./lawgpt --text held-out.txt
  lawgpt eval disc --base-url http://localhost:8000/v1 --model my-model --data ../shared/data/disc-law-eval`,
  async run(args, io) {
    const [sub] = args.positionals;
    if (sub === 'lawbench') return scoreCommand(args, io);
    if (sub === 'report')
      return scoreCommand(
        { ...args, values: { ...args.values, format: string(args, 'format') ?? 'markdown' } },
        io,
      );
    if (sub === 'run') return runCommand(args, io);
    if (sub === 'disc') return discCommand(args, io);
    if (sub === 'perplexity') return perplexityCommand(args, io);
    throw new UsageError(`unknown eval subcommand '${sub ?? ''}' (lawbench, run, report, disc, perplexity)`);
  },
};
