import { join } from 'node:path';
import { type LlamaModel, loadModel } from '@lawgpt/llama-core';
import {
  disposeLoraAdapter,
  packTexts,
  prepareVocabulary,
  promptTemplates,
  readInstructionData,
  readPretrainingTexts,
  type TrainingExample,
  toChatTemplate,
  tokenizeInstruction,
} from '@lawgpt/lora';
import { saveChatTemplate } from '@lawgpt/tokenizer-legal';
import type { Command, CommandIO, ParsedArgs } from '../command.js';
import { UsageError } from '../command.js';
import { BACKEND_NAMES } from '../option-choices.js';
import {
  choiceValue,
  commaList,
  dtypeValue,
  numberValue,
  requireString,
  stringValue,
} from '../option-values.js';
import { type CliTokenizer, checkTokenizerFits, loadModelTokenizer } from '../runtime.js';
import { DEFAULT_SEED } from '../seed.js';
import { trainingOptions } from './training-options.js';
import { readTrainingPlan } from './training-plan.js';
import { saveTrainingData, writeTrainingData } from './training-provenance.js';
import { runStage, stageAdapter } from './training-run.js';

/** A number option by name (`undefined` when absent). */
const numberOption = (values: ParsedArgs['values'], name: string) => numberValue(values[name], `--${name}`);

type ExampleBuilder = (
  tokenizer: CliTokenizer,
  values: ParsedArgs['values'],
  files: string[],
) => Promise<TrainingExample[]>;

/**
 * Build, run and report a training job — one stage, or with `--stages` each stage in turn from the last one's
 * adapter (finished stages are skipped, an interrupted one resumes); `buildExamples` turns data files into
 * examples, `afterStage` completes each output folder, which also gets a `training_data.json` (files, SHA-256,
 * `countRecords`, weights, stages). Every option is checked before the model loads.
 */
export async function runTraining(
  args: ParsedArgs,
  io: CommandIO,
  label: string,
  buildExamples: ExampleBuilder,
  afterStage?: (outputDir: string) => Promise<unknown>,
  countRecords: (path: string) => Promise<number> = async () => 0,
) {
  const { values } = args;
  const plan = await readTrainingPlan(values);
  const baseDtype = dtypeValue(values['base-dtype'], '--base-dtype');
  if (values.full && baseDtype !== undefined && baseDtype !== 'f32' && baseDtype !== 'auto') {
    throw new UsageError(`--full trains every weight in float32; --base-dtype ${baseDtype} is for LoRA`);
  }
  const integer = (name: string, min: number) =>
    numberValue(values[name], `--${name}`, { integer: true, min });
  const options = {
    batchSize: integer('batch-size', 1),
    gradientAccumulationSteps: integer('grad-accum', 1),
    weightDecay: numberOption(values, 'weight-decay'),
    saveEvery: integer('save-every', 0),
    resume: values['no-resume'] !== true,
    forceResume: values['force-resume'] === true,
    seed: integer('seed', 0) ?? DEFAULT_SEED,
  };
  for (const name of ['lora-r', 'lora-alpha', 'lora-dropout']) numberOption(values, name);
  const backend = choiceValue(values.backend, '--backend', BACKEND_NAMES);
  const modelDir = requireString(values.model, '--model');
  const outputRoot = requireString(values.output, '--output');
  const tokenizerPath = stringValue(values.tokenizer) ?? modelDir;
  const tokenizer = await loadModelTokenizer(tokenizerPath);
  await checkTokenizerFits(tokenizer, tokenizerPath, modelDir, { resizes: true });
  const model: LlamaModel = await loadModel(modelDir, {
    backend,
    ...(values.full ? { dtype: 'f32', storage: 'tensor' } : { dtype: baseDtype }),
  });
  const { resized, modulesToSave } = await prepareVocabulary({
    model,
    tokenizer,
    modulesToSave: commaList(values['modules-to-save']),
  });
  if (resized)
    io.stderr(
      `${label}: resizing the vocabulary ${resized.from} → ${resized.to} (new rows = mean of old rows)\n`,
    );
  let initAdapter = plan.initAdapter;
  for (const [index, stage] of plan.stages.entries()) {
    const outputDir = plan.staged ? join(outputRoot, stage.folder) : outputRoot;
    const stageLabel = plan.staged
      ? `${label} stage ${index + 1}/${plan.stages.length}${stage.name ? ` (${stage.name})` : ''}`
      : label;
    const adapter = await stageAdapter(model, values, modulesToSave, initAdapter);
    const { code, result } = await runStage({
      label: stageLabel,
      io,
      stage,
      outputDir,
      adapter,
      initAdapter,
      build: (files) => buildExamples(tokenizer, values, files),
      options: { ...options, model, padId: tokenizer.padId ?? 0 },
    });
    if (adapter) disposeLoraAdapter(adapter);
    if (code !== 0 || !result) return code;
    await tokenizer.save(outputDir);
    await afterStage?.(outputDir);
    const trained = await writeTrainingData({
      outputDir,
      command: label,
      stage,
      staged: plan.staged,
      startedFrom: [modelDir, initAdapter],
      countRecords,
    });
    if (plan.staged && index === plan.stages.length - 1) await saveTrainingData(outputRoot, trained);
    io.stdout(
      result.alreadyFinished
        ? `${stageLabel}: already finished: ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)} → ${outputDir}` +
            (plan.staged ? '\n' : ' (nothing to train; --no-resume or another --output starts over)\n')
        : `${stageLabel}: done, ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)} → ${outputDir}\n`,
    );
    initAdapter = outputDir;
  }
  model.dispose();
  return 0;
}

/** `lawgpt pretrain`: continued pretraining on legal text (LoRA by default, as LaWGPT). */
export const pretrainCommand: Command = {
  name: 'pretrain',
  summary: 'Continue pretraining on legal text (LoRA or full; resizes for an extended vocabulary)',
  usage: 'lawgpt pretrain --model DIR --data FILE [--data FILE…] --output DIR [options]',
  options: {
    ...trainingOptions,
    'block-size': {
      type: 'string',
      valueName: 'N',
      default: '512',
      description: 'Tokens per training block',
    },
  },
  details:
    'Data: .jsonl ({"content"} per line, as lawgpt data corpus writes), .json, .txt or .md files.\n' +
    'Ctrl-C (or SIGTERM) finishes the step, saves a checkpoint and exits 130; the same command resumes exactly.',
  run(args, io) {
    const blockSize = numberValue(args.values['block-size'], '--block-size', { integer: true, min: 2 });
    return runTraining(
      args,
      io,
      'pretrain',
      async (tokenizer, _values, files) => {
        const texts = (await Promise.all(files.map((file) => readPretrainingTexts(file)))).flat();
        const examples = packTexts(texts, { tokenizer, blockSize });
        if (examples.length === 0)
          throw new UsageError(`${files.join(', ')}: shorter than one block; lower --block-size`);
        return examples;
      },
      undefined,
      async (file) => (await readPretrainingTexts(file)).length,
    );
  },
};

/** `lawgpt sft`: instruction tuning on Alpaca data with LoRA. */
export const sftCommand: Command = {
  name: 'sft',
  summary: 'Instruction-tune on Alpaca JSON/JSONL (prompt masked, input field kept)',
  usage:
    'lawgpt sft --model DIR (--data FILE[:WEIGHT]… | --stages FILE) --output DIR [--init-adapter DIR] [options]',
  options: {
    ...trainingOptions,
    stages: {
      type: 'string',
      valueName: 'FILE',
      description:
        "Train stages in turn, each from the last one's adapter, into --output/stage-<n>-<name>/ (JSON: see below)",
    },
    template: {
      type: 'string',
      valueName: 'NAME',
      default: 'alpaca',
      choices: Object.keys(promptTemplates),
      description: 'Prompt template',
    },
    'cutoff-len': {
      type: 'string',
      valueName: 'N',
      default: '512',
      description: 'Longest example in tokens',
    },
    'train-on-inputs': { type: 'boolean', description: 'Also learn the prompt tokens' },
  },
  details:
    'Data: Alpaca JSON ([{instruction, input, output}]) or JSONL, e.g. from lawgpt data knowledge-instruct.\n' +
    "The output's tokenizer_config.json records the template as a Jinja chat_template (serve, infer, eval use it).\n" +
    'Stages (InternLM-Law: legal + general data mixed, then legal data alone), data paths relative to the file:\n' +
    '  {"stages": [{"name": "mixed", "data": ["legal.json:0.7", "general.json:0.3"], "learningRate": 2e-4, "maxSteps": 200},\n' +
    '              {"name": "legal", "data": ["legal-hq.json"], "learningRate": 1e-4, "epochs": 1}]}\n' +
    'optional per stage: warmupSteps, schedule. A rerun skips finished stages and resumes the interrupted one.',
  async run(args, io) {
    const { values } = args;
    const template = promptTemplates[requireString(values.template, '--template')];
    if (!template)
      throw new UsageError(
        `unknown --template ${values.template}; use ${Object.keys(promptTemplates).join(', ')}`,
      );
    const cutoffLength = numberValue(values['cutoff-len'], '--cutoff-len', { integer: true, min: 2 });
    const build: ExampleBuilder = async (tokenizer, _values, files) => {
      const records = (await Promise.all(files.map((file) => readInstructionData(file)))).flat();
      const trainOnInputs = values['train-on-inputs'] === true;
      return records.map((record) =>
        tokenizeInstruction(record, { tokenizer, template, cutoffLength, trainOnInputs }),
      );
    };
    // the prompt format trained with, as the HF chat_template serve / infer / eval (and vLLM, llama.cpp) read
    return runTraining(
      args,
      io,
      'sft',
      build,
      (dir) => saveChatTemplate({ dir, template: toChatTemplate(template) }),
      async (file) => (await readInstructionData(file)).length,
    );
  },
};
