// What `lawgpt pretrain|sft` will train on, read and checked before any model loads: `--data FILE[:WEIGHT]` and
// the `--stages FILE` of a multi-stage run (InternLM-Law's recipe: legal + general mixed, then legal alone).
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type ParsedArgs, UsageError } from '../command.js';
import { SCHEDULES } from '../option-choices.js';
import { choiceValue, numberValue, repeatedValues, stringValue } from '../option-values.js';
import { isOneOf, isRecord } from '../type-guards.js';

/** A usage mistake found in a file or an option value, naming where (`path`) and what (`field`). */
export class TrainingPlanError extends UsageError {
  override name = 'TrainingPlanError';
  constructor(
    message: string,
    readonly path: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** One data file and its share of the draws (no weight: the files are concatenated, as before mixing existed). */
export interface DataSpec {
  path: string;
  weight?: number;
}

/** One stage of a multi-stage run. */
export interface TrainingStage {
  /** Folder name of the stage under `--output` (`stage-<n>` or `stage-<n>-<name>`). */
  folder: string;
  name?: string;
  data: DataSpec[];
  learningRate: number;
  maxSteps?: number;
  epochs?: number;
  warmupSteps?: number;
  schedule?: (typeof SCHEDULES)[number];
}

const WEIGHTED = /^(.+):(\d*\.?\d+(?:[eE][-+]?\d+)?)$/;

/**
 * `legal.json:0.7` → `{ path, weight }`; a plain path has no weight. Every file or none has one. `file`: the
 * stages file the values come from (named in errors).
 */
export function parseDataSpecs(values: string[], where = '--data', file?: string): DataSpec[] {
  const fail = (message: string, path: string): never => {
    throw new TrainingPlanError(`${file ? `${file}: ` : ''}${where} ${message}`, file ?? path, where);
  };
  const specs = values.map((value) => {
    const match = WEIGHTED.exec(value);
    if (!match) return { path: value };
    const weight = Number(match[2]);
    if (!(weight > 0)) fail(`${value}: the weight must be positive`, value);
    return { path: match[1], weight };
  });
  const plain = specs.find((spec) => spec.weight === undefined);
  if (plain && specs.some((spec) => spec.weight !== undefined))
    fail(`${plain.path} has no weight; give every file a :WEIGHT (legal.json:0.7), or none`, plain.path);
  return specs;
}

/** Each data file must exist (checked before the model loads); `field` names the option or stage field. */
export async function checkDataFiles(specs: DataSpec[], field: (index: number) => string): Promise<void> {
  for (const [index, { path }] of specs.entries()) {
    const found = await stat(path).catch(() => undefined);
    if (!found?.isFile())
      throw new TrainingPlanError(`${field(index)}: ${path}: no such file`, path, field(index));
  }
}

const STAGE_FIELDS = ['name', 'data', 'learningRate', 'maxSteps', 'epochs', 'warmupSteps', 'schedule'];

/**
 * Read a stages file: `{"stages": [{"name", "data": ["legal.json:0.7", …], "learningRate", "maxSteps" | "epochs",
 * "warmupSteps"?, "schedule"?}, …]}`, data paths relative to the file. Errors name the file and the field.
 */
export async function readStagesFile(path: string): Promise<TrainingStage[]> {
  const fail = (field: string, problem: string): never => {
    throw new TrainingPlanError(`${path}: ${field} ${problem}`, path, field);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    fail('(file)', `cannot be read as JSON (${(error as Error).message})`);
  }
  const stages = isRecord(parsed) ? parsed.stages : undefined;
  if (!Array.isArray(stages) || stages.length === 0)
    return fail(
      'stages',
      'must be a non-empty array of stages ({"stages": [{"data", "learningRate", "maxSteps"}, …]})',
    );
  const names = new Set<string>();
  return stages.map((stage: unknown, index): TrainingStage => {
    const at = `stages[${index}]`;
    if (!isRecord(stage)) return fail(at, 'must be an object');
    const unknown = Object.keys(stage).find((key) => !STAGE_FIELDS.includes(key));
    if (unknown) fail(`${at}.${unknown}`, `is not a stage field (${STAGE_FIELDS.join(', ')})`);
    const number = (field: string, integer: boolean) => {
      const given = stage[field];
      if (given === undefined) return undefined;
      if (typeof given !== 'number' || !(given > 0) || (integer && !Number.isInteger(given)))
        return fail(
          `${at}.${field}`,
          `must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(given)}`,
        );
      return given;
    };
    const { name, data, schedule } = stage;
    if (name !== undefined && (typeof name !== 'string' || !/^[\w.-]+$/.test(name) || names.has(name)))
      return fail(
        `${at}.name`,
        `must be a unique folder-safe name (letters, digits, . _ -), got ${JSON.stringify(name)}`,
      );
    if (name !== undefined) names.add(name);
    const files = Array.isArray(data) ? data.filter((entry) => typeof entry === 'string') : [];
    if (!Array.isArray(data) || files.length === 0 || files.length !== data.length)
      return fail(`${at}.data`, 'must be a non-empty array of "FILE" or "FILE:WEIGHT" strings');
    const specs = parseDataSpecs(files, `${at}.data`, path).map((spec) => ({
      ...spec,
      path: resolve(dirname(path), spec.path),
    }));
    const learningRate = number('learningRate', false) ?? fail(`${at}.learningRate`, 'is required');
    const maxSteps = number('maxSteps', true);
    const epochs = number('epochs', false);
    if ((maxSteps === undefined) === (epochs === undefined))
      fail(`${at}.maxSteps`, 'or epochs (one of the two) is required');
    if (schedule !== undefined && !isOneOf(schedule, SCHEDULES))
      return fail(
        `${at}.schedule`,
        `must be one of ${SCHEDULES.join(', ')}, got ${JSON.stringify(schedule)}`,
      );
    const folder = `stage-${index + 1}${name ? `-${name}` : ''}`;
    const warmupSteps = stage.warmupSteps === 0 ? 0 : number('warmupSteps', true);
    return {
      folder,
      ...(name !== undefined && { name }),
      data: specs,
      learningRate,
      maxSteps,
      epochs,
      warmupSteps,
      schedule,
    };
  });
}

/** The stages a run trains (one, in `--output` itself, without `--stages`) and the adapter the first starts from. */
export interface TrainingPlan {
  stages: TrainingStage[];
  /** True with `--stages`: each stage trains in its own folder under `--output`, from the last one's adapter. */
  staged: boolean;
  initAdapter?: string;
}

/** `--data`, `--stages`, `--init-adapter` and the stage's numbers, checked before any model loads. */
export async function readTrainingPlan(values: ParsedArgs['values']): Promise<TrainingPlan> {
  const data = repeatedValues(values.data);
  const stagesFile = stringValue(values.stages);
  if (!values.model || !values.output || (data.length === 0 && !stagesFile))
    throw new UsageError('--model, --data and --output are required');
  const initAdapter = stringValue(values['init-adapter']);
  if (values.full && (stagesFile || initAdapter))
    throw new UsageError('--stages and --init-adapter train LoRA adapters; drop --full');
  if (initAdapter) {
    const found = await stat(join(initAdapter, 'adapter_config.json')).catch(() => undefined);
    if (!found)
      throw new TrainingPlanError(
        `--init-adapter ${initAdapter}: no adapter_config.json there`,
        initAdapter,
        '--init-adapter',
      );
  }
  const schedule = choiceValue(values.schedule, '--schedule', SCHEDULES) ?? 'linear';
  const warmupSteps = numberValue(values.warmup, '--warmup', { integer: true, min: 0 });
  if (stagesFile) {
    if (data.length > 0) throw new UsageError('--stages FILE lists the data of each stage; drop --data');
    if (values['max-steps'] !== undefined)
      throw new UsageError('--stages FILE gives each stage its maxSteps or epochs; drop --max-steps');
    const stages = await readStagesFile(stagesFile);
    for (const [index, stage] of stages.entries())
      await checkDataFiles(stage.data, (file) => `${stagesFile}: stages[${index}].data[${file}]`);
    return {
      stages: stages.map((stage) => ({
        ...stage,
        warmupSteps: stage.warmupSteps ?? warmupSteps,
        schedule: stage.schedule ?? schedule,
      })),
      staged: true,
      initAdapter,
    };
  }
  const specs = parseDataSpecs(data);
  await checkDataFiles(specs, () => '--data');
  const stage: TrainingStage = {
    folder: '',
    data: specs,
    learningRate: numberValue(values.lr, '--lr', { min: 0 }) ?? 3e-4,
    maxSteps: numberValue(values['max-steps'], '--max-steps', { integer: true, min: 1 }),
    epochs: numberValue(values.epochs, '--epochs', { min: 0 }),
    warmupSteps,
    schedule,
  };
  return { stages: [stage], staged: false, initAdapter };
}
