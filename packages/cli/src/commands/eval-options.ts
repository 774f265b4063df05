// `lawgpt eval`'s options, read and checked in full before anything loads; deprecated spellings become
// warnings here, so the subcommands see one meaning per flag.
import { basename, resolve } from 'node:path';
import type { BackendName } from '@lawgpt/llama-core';
import { checkChatPromptOptions } from '../chat-prompts.js';
import { type ParsedArgs, UsageError } from '../command.js';
import { BACKEND_NAMES } from '../option-choices.js';
import { choiceValue, commaList, dtypeValue, numberValue, type OptionValue } from '../option-values.js';

export const EVAL_SUBCOMMANDS = ['lawbench', 'report', 'run', 'disc', 'perplexity'] as const;
export type EvalSubcommand = (typeof EVAL_SUBCOMMANDS)[number];

const REPORT_FORMATS = ['text', 'markdown', 'md', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A model folder loaded in-process. */
export interface LocalModel {
  kind: 'local';
  dir: string;
  tokenizer?: string;
  adapter?: string;
  backend?: BackendName;
  dtype?: ReturnType<typeof dtypeValue>;
  template?: string;
  raw: boolean;
  allowLongContext: boolean;
}

/** A model served over an OpenAI-compatible API, named as its clients name it. */
export interface ServedModel {
  kind: 'served';
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** `--retries`: retries of a request after 429, 5xx, a timeout or a network error. */
  retries?: number;
}

/** How a report is rendered and where it goes. */
export interface ReportOptions {
  format: ReportFormat;
  /** The model's name in the report (its column). */
  name: string;
  compareWith: string[];
  allTasks: boolean;
  /** File for the report; stdout when absent. */
  file?: string;
}

/** Every option of `lawgpt eval`, typed and checked. */
export interface EvalOptions {
  sub: EvalSubcommand;
  report: ReportOptions;
  /** run/disc/perplexity: the model under evaluation. */
  model?: LocalModel | ServedModel;
  /** LawBench (lawbench/report/run) or DISC-Law-Eval (disc) data folder. */
  data?: string;
  predictions?: string;
  /** run: the folder prediction files go to (resumable). */
  runDir?: string;
  text?: string;
  tasks?: string[];
  shot: 'zero' | 'one';
  limit?: number;
  concurrency?: number;
  retries?: number;
  /** run/disc with a local model: exit non-zero when its training_data.json overlaps the scored items. */
  refuseContaminated: boolean;
  /** Statute folder whose text is no evidence of contamination (LawBench 3-5 quotes 刑法 articles). */
  laws?: string;
  /** One line each: deprecated spellings that were used. */
  warnings: string[];
}

const text = (value: OptionValue) => (typeof value === 'string' && value !== '' ? value : undefined);
const whole = (value: OptionValue, flag: string) => numberValue(value, flag, { integer: true, min: 0 });

/** Reads `lawgpt eval`'s arguments; throws a {@link UsageError} for anything missing or malformed. */
export function evalOptions({ positionals, values }: ParsedArgs): EvalOptions {
  const subcommand = EVAL_SUBCOMMANDS.find((known) => known === positionals[0]);
  if (subcommand === undefined)
    throw new UsageError(
      `unknown eval subcommand '${positionals[0] ?? ''}' (${EVAL_SUBCOMMANDS.join(', ')})`,
    );
  const warnings: string[] = [];
  const scoring = subcommand === 'lawbench' || subcommand === 'report';
  const { model, name } = scoring
    ? { model: undefined, name: scoringName(values, warnings) }
    : modelOptions(subcommand, values, warnings);
  const { runDir, file } = outOptions(subcommand, values, warnings);
  const options: EvalOptions = {
    sub: subcommand,
    report: {
      format: reportFormat(subcommand, values),
      name,
      compareWith: commaList(values.compare),
      allTasks: values['all-tasks'] === true,
      file,
    },
    model,
    data: text(values.data) ?? (subcommand === 'disc' ? undefined : process.env.LAWBENCH_DATA_DIR),
    predictions: text(values.predictions),
    runDir,
    text: text(values.text),
    tasks: values.tasks === undefined ? undefined : commaList(values.tasks),
    shot: shotValue(values.shot),
    limit: whole(values.limit, '--limit'),
    concurrency: numberValue(values.concurrency, '--concurrency', { integer: true, min: 1 }),
    retries: whole(values.retries, '--retries'),
    refuseContaminated: values['refuse-contaminated'] === true,
    laws: text(values.laws),
    warnings,
  };
  checkRequired(options);
  return options;
}

/** lawbench/report: the column is `--name`, by default the predictions folder's name. */
function scoringName(values: ParsedArgs['values'], warnings: string[]): string {
  const legacy = text(values.model);
  if (legacy !== undefined)
    warnings.push('--model NAME as the report name is deprecated; use --name NAME (--model is a model)');
  const predictions = text(values.predictions);
  return text(values.name) ?? legacy ?? (predictions ? basename(resolve(predictions)) : 'model');
}

/** run/disc/perplexity: `--model DIR` (a local folder) or `--base-url URL --model NAME` (a served model). */
function modelOptions(sub: EvalSubcommand, values: ParsedArgs['values'], warnings: string[]) {
  const baseUrl = text(values['base-url']);
  const legacyDir = text(values['model-dir']);
  let model = text(values.model);
  let name = text(values.name);
  if (legacyDir !== undefined) {
    warnings.push('--model-dir DIR is deprecated; use --model DIR (and --name NAME for the report name)');
    // the old meaning of both together: --model was the report name
    if (model !== undefined) name ??= model;
    model = legacyDir;
  }
  if (model === undefined) {
    const served = sub === 'perplexity' ? '' : ', or --base-url URL with --model NAME';
    throw new UsageError(`${sub} needs --model DIR (a local model folder)${served}`);
  }
  if (baseUrl !== undefined && legacyDir === undefined) {
    if (sub === 'perplexity')
      throw new UsageError('perplexity scores a local model: give --model DIR without --base-url');
    return {
      model: {
        kind: 'served' as const,
        baseUrl,
        model,
        apiKey: text(values['api-key']) ?? process.env.OPENAI_API_KEY,
        retries: whole(values.retries, '--retries'),
      },
      name: name ?? model,
    };
  }
  checkChatPromptOptions(values);
  const local: LocalModel = {
    kind: 'local',
    dir: model,
    tokenizer: text(values.tokenizer),
    adapter: text(values.adapter),
    backend: choiceValue(values.backend, '--backend', BACKEND_NAMES),
    dtype: dtypeValue(values.dtype, '--dtype'),
    template: text(values.template),
    raw: values.raw === true,
    allowLongContext: values['allow-long-context'] === true,
  };
  return { model: local, name: name ?? basename(resolve(model)) };
}

/** `--out`: the run folder for run, the report file otherwise; `--output` is its deprecated spelling. */
function outOptions(sub: EvalSubcommand, values: ParsedArgs['values'], warnings: string[]) {
  const out = text(values.out);
  const legacy = text(values.output);
  if (legacy !== undefined) warnings.push('--output is deprecated; use --out (run: the run folder)');
  if (sub !== 'run') return { runDir: undefined, file: out ?? legacy };
  // run with the old --output DIR keeps --out FILE's old meaning (the report file)
  if (legacy !== undefined) return { runDir: legacy, file: out };
  return { runDir: out, file: undefined };
}

function reportFormat(sub: EvalSubcommand, values: ParsedArgs['values']): ReportFormat {
  const format =
    values.json === true ? 'json' : (text(values.format) ?? (sub === 'report' ? 'markdown' : 'text'));
  const known = REPORT_FORMATS.find((candidate) => candidate === format);
  if (!known) throw new UsageError(`unknown --format ${format} (text, markdown, csv, json, html)`);
  return known;
}

function shotValue(value: OptionValue): 'zero' | 'one' {
  if (value === undefined || value === 'zero') return 'zero';
  if (value === 'one') return 'one';
  throw new UsageError(`--shot must be zero or one, got ${String(value)}`);
}

function checkRequired(options: EvalOptions): void {
  const { sub } = options;
  if ((sub === 'lawbench' || sub === 'report') && !options.predictions)
    throw new UsageError('give --predictions DIR (one <task>.json per task)');
  if (sub === 'run' && !options.runDir) throw new UsageError('run needs --out DIR (where predictions go)');
  if (sub === 'disc' && !options.data)
    throw new UsageError('disc needs --data DIR (the DISC-Law-Eval folder)');
  if (sub === 'perplexity' && !options.text)
    throw new UsageError('perplexity needs --text FILE (held-out text)');
  if ((sub === 'lawbench' || sub === 'report' || sub === 'run') && !options.data)
    throw new UsageError(
      'give --data DIR (the LawBench data folder with scorer-data/) or set LAWBENCH_DATA_DIR',
    );
}
