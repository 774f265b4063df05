import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LAWBENCH_TASK_INFO,
  LAWBENCH_TASKS,
  type LawBenchResults,
  openAiGenerator,
  readPublishedResults,
  renderCsvReport,
  renderDiscMarkdown,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
  runDiscLawEval,
  runLawBench,
  scoreLawBench,
} from '@lawgpt/eval';
import { type Command, type CommandIO, type ParsedArgs, UsageError } from '../command.js';

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
  const options = { model, published, compareWith };
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
    await writeFile(out, text);
    io.stderr(`wrote ${out}\n`);
  } else {
    io.stdout(text);
  }
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
  await output(await render(results, args, data, string(args, 'model') ?? predictionsDir), args, io);
  return 0;
}

async function runCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const baseUrl = string(args, 'base-url');
  const model = string(args, 'model');
  const outputDir = string(args, 'output');
  if (!baseUrl || !model || !outputDir)
    throw new UsageError('run needs --base-url URL, --model NAME and --output DIR');
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
  const generator = openAiGenerator({
    baseUrl,
    model,
    apiKey: string(args, 'api-key') ?? process.env.OPENAI_API_KEY,
  });
  const run = await runLawBench({
    generator,
    dataDir: data,
    outputDir,
    shot,
    tasks: list(string(args, 'tasks')),
    limit: number('limit'),
    concurrency: number('concurrency'),
    retries: number('retries'),
    onProgress: ({ task, done, total, itemsPerSecond, etaSeconds }) =>
      io.stderr(
        `\r${task}: ${done}/${total}  ${itemsPerSecond.toFixed(2)} items/s  ETA ${Number.isFinite(etaSeconds) ? Math.round(etaSeconds) : '?'} s   `,
      ),
  });
  io.stderr(`\ngenerated ${run.generated} predictions into ${outputDir}\n`);
  if (run.results) await output(await render(run.results, args, data, model), args, io);
  return 0;
}

async function discCommand(args: ParsedArgs, io: CommandIO): Promise<number> {
  const baseUrl = string(args, 'base-url');
  const model = string(args, 'model');
  const data = string(args, 'data');
  if (!baseUrl || !model || !data)
    throw new UsageError('disc needs --base-url URL, --model NAME and --data DIR (DISC-Law-Eval folder)');
  const limit = string(args, 'limit');
  const results = await runDiscLawEval({
    generator: openAiGenerator({
      baseUrl,
      model,
      apiKey: string(args, 'api-key') ?? process.env.OPENAI_API_KEY,
    }),
    dataDir: data,
    limit: limit === undefined ? undefined : Number(limit),
    concurrency: Number(string(args, 'concurrency') ?? 4),
    onProgress: ({ done, total }) => io.stderr(`\rDISC-Law-Eval ${done}/${total}   `),
  });
  io.stderr('\n');
  const { items: _items, ...summary } = results;
  await output(
    args.values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderDiscMarkdown(results, model),
    args,
    io,
  );
  return 0;
}

/** `lawgpt eval`: score LawBench predictions, generate them from an OpenAI-compatible endpoint, render reports. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'LawBench evaluation: score predictions exactly like LawBench, run a model, write reports',
  usage: 'lawgpt eval <lawbench|run|report|disc> [options]',
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
      description: 'published models to show beside ours, e.g. GPT4,GPT-3.5-turbo-0613',
    },
    out: { type: 'string', valueName: 'FILE', description: 'write the report to FILE instead of stdout' },
    model: {
      type: 'string',
      valueName: 'NAME',
      description: 'run: model name at the endpoint; also the report column name',
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
  lawgpt eval lawbench --predictions predictions/zero_shot/GPT4 --data ../shared/data/lawbench
  lawgpt eval lawbench --predictions out/ --json
  lawgpt eval run --base-url http://localhost:8000/v1 --model my-model --output out/ --limit 20
  lawgpt eval report --predictions out/ --format html --compare GPT4 --out report.html
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
    throw new UsageError(`unknown eval subcommand '${sub ?? ''}' (lawbench, run, report, disc)`);
  },
};
