import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { runDemo } from '../demo/run-demo.js';
import { numberValue, requireString } from '../option-values.js';
import { seedOption } from '../seed.js';

/** `lawgpt demo`: the whole LaWGPT recipe on an embedded statute excerpt and a tiny model. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the LaWGPT recipe end to end on an embedded statute excerpt and a tiny model',
  usage: 'lawgpt demo [--output DIR] [--pretrain-steps N] [--sft-steps N] [--seed N]',
  options: {
    output: {
      type: 'string',
      short: 'o',
      valueName: 'DIR',
      default: 'lawgpt-demo',
      description: 'Folder for data, tokenizer, models and predictions',
    },
    'pretrain-steps': {
      type: 'string',
      valueName: 'N',
      default: '100',
      description: 'Continued-pretraining steps',
    },
    'sft-steps': {
      type: 'string',
      valueName: 'N',
      default: '100',
      description: 'LoRA instruction-tuning steps',
    },
    seed: seedOption('Seed of everything random'),
  },
  details:
    'Steps: knowledge base → knowledge-driven instructions → tokenizer + legal vocabulary → tiny LLaMA →\n' +
    'continued pretraining (vocabulary resized) → LoRA SFT → merge → ROUGE-L before/after.\n' +
    'Training stages checkpoint into the output folder; rerunning after an interruption resumes them.',
  async run({ values }, io) {
    const steps = (name: string) => {
      const value = Number(values[name]);
      if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer`);
      return value;
    };
    const started = Date.now();
    await runDemo({
      outputDir: requireString(values.output, '--output'),
      pretrainSteps: steps('pretrain-steps'),
      sftSteps: steps('sft-steps'),
      seed: numberValue(values.seed, '--seed', { integer: true, min: 0 }),
      io,
    });
    io.stdout(`demo finished in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    return 0;
  },
};
