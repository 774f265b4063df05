import { chatPromptOptions } from '../chat-prompts.js';
import type { Command } from '../command.js';
import { backendOption, dtypeOption } from '../runtime.js';
import { evalOptions } from './eval-options.js';
import { runDisc, runModel, runPerplexity, scorePredictions } from './eval-subcommands.js';

/** `lawgpt eval`: score LawBench predictions, generate them from an OpenAI-compatible endpoint, render reports. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'LawBench evaluation: score predictions exactly like LawBench, run a model, write reports',
  usage: [
    'lawgpt eval <lawbench|run|report|disc|perplexity> [options]',
    '       lawgpt eval report --predictions DIR [--name NAME] [--format FMT] [--compare MODELS] [--all-tasks]',
    '       lawgpt eval run (--model DIR | --base-url URL --model NAME) --out DIR [--tasks LIST] [--limit N]',
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
    out: {
      type: 'string',
      valueName: 'PATH',
      description:
        'run: the folder prediction files go to (resumable); others: write the report to PATH, not stdout',
    },
    model: {
      type: 'string',
      valueName: 'DIR|NAME',
      description:
        'run/disc/perplexity: the model, a local HF folder; with --base-url, the served model as its API names it',
    },
    name: {
      type: 'string',
      valueName: 'NAME',
      description:
        "the model's name in the report (default: the --predictions folder's name, else the --model folder's name or the served model's)",
    },
    adapter: {
      type: 'string',
      valueName: 'DIR',
      description: 'with a local --model: a PEFT LoRA adapter on top',
    },
    tokenizer: {
      type: 'string',
      valueName: 'PATH',
      description: 'with a local --model: tokenizer (default: the model folder)',
    },
    backend: { ...backendOption, description: `with a local --model: ${backendOption.description}` },
    dtype: { ...dtypeOption, description: `with a local --model: ${dtypeOption.description}` },
    'allow-long-context': {
      type: 'boolean',
      description:
        "with a local --model: generate past the model's max_position_embeddings (default: stop there); the warning names the RoPE scaling",
    },
    template: {
      ...chatPromptOptions.template,
      description: `run/disc with a local --model: ${chatPromptOptions.template.description}`,
    },
    raw: {
      ...chatPromptOptions.raw,
      description: `run/disc with a local --model: ${chatPromptOptions.raw.description}`,
    },
    text: { type: 'string', valueName: 'FILE', description: 'perplexity: held-out text file' },
    'base-url': {
      type: 'string',
      valueName: 'URL',
      description: 'run/disc: OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (then --model NAME)',
    },
    'api-key': {
      type: 'string',
      valueName: 'KEY',
      description: 'with --base-url: API key (default $OPENAI_API_KEY)',
    },
    'model-dir': { type: 'string', valueName: 'DIR', description: 'deprecated: use --model DIR' },
    output: { type: 'string', valueName: 'DIR', description: 'deprecated: use --out' },
    shot: {
      type: 'string',
      valueName: 'zero|one',
      description: 'run: zero- or one-shot prompts',
      default: 'zero',
    },
    limit: { type: 'string', valueName: 'N', description: 'run/disc: only the first N items (of each task)' },
    concurrency: {
      type: 'string',
      valueName: 'N',
      description: 'run/disc with --base-url: requests in flight',
      default: '4',
    },
    retries: {
      type: 'string',
      valueName: 'N',
      description:
        'run (and disc with --base-url): retries per failed request (429, 5xx, timeouts; Retry-After honoured)',
      default: '2',
    },
    'refuse-contaminated': {
      type: 'boolean',
      description:
        'run/disc with a local --model: exit 1 when its training_data.json (from lawgpt sft/pretrain) overlaps the scored items (default: warn)',
    },
    laws: {
      type: 'string',
      valueName: 'DIR',
      description: 'run/disc: statute folder; statute text in training data is not counted as overlap',
    },
  },
  details: `Examples (from the repository root, with ../shared):
  lawgpt eval lawbench --predictions ../shared/data/lawbench/predictions/zero_shot/GPT4 --data ../shared/data/lawbench
  lawgpt eval report --predictions ../shared/data/lawbench/predictions/zero_shot/lawgpt-7b-beta1.1-hf \\
      --data ../shared/data/lawbench --compare GPT4,GPT-3.5-turbo-0613 --all-tasks   # markdown
After npm run demo, its model in-process:
  lawgpt eval run --model lawgpt-demo/merged-model --data ../shared/data/lawbench --out lawgpt-demo/lawbench \\
      --tasks 1-1,1-2 --limit 5
  lawgpt eval report --predictions lawgpt-demo/lawbench --data ../shared/data/lawbench --name lawgpt-demo \\
      --format html --compare GPT4 --out lawgpt-demo/report.html
  lawgpt eval perplexity --model lawgpt-demo/merged-model --text ../shared/data/laws/md/刑法/刑法修正案.md
  lawgpt eval disc --model lawgpt-demo/merged-model --data ../shared/data/disc-law-eval --limit 2
Or served (lawgpt serve --model lawgpt-demo/merged-model, or any OpenAI-compatible server):
  lawgpt eval run --base-url http://127.0.0.1:8000/v1 --model merged-model --data ../shared/data/lawbench \\
      --out lawgpt-demo/lawbench-api --tasks 1-1 --limit 5
--model-dir DIR and --output DIR still work for now, with a warning.`,
  async run(args, io) {
    const options = evalOptions(args);
    for (const warning of options.warnings) io.stderr(`warning: ${warning}\n`);
    if (options.sub === 'run') return runModel(options, io);
    if (options.sub === 'disc') return runDisc(options, io);
    if (options.sub === 'perplexity') return runPerplexity(options, io);
    return scorePredictions(options, io);
  },
};
