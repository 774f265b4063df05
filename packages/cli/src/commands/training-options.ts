import type { CommandOption } from '../command.js';
import { SCHEDULES, WEIGHT_DTYPES } from '../option-choices.js';
import { backendOption } from '../runtime.js';
import { seedOption } from '../seed.js';

/** Options shared by `lawgpt pretrain` and `lawgpt sft`. */
export const trainingOptions: Record<string, CommandOption> = {
  model: {
    type: 'string',
    short: 'm',
    valueName: 'DIR',
    description: 'Base model folder (HF config.json + safetensors)',
  },
  tokenizer: {
    type: 'string',
    short: 't',
    valueName: 'PATH',
    description: 'Tokenizer (default: the model folder); an extended one resizes the model',
  },
  data: {
    type: 'string',
    short: 'd',
    multiple: true,
    valueName: 'FILE[:WEIGHT]',
    description:
      'Training data file (repeatable); with weights (legal.json:0.7 --data general.json:0.3) examples are drawn from the files by weight, seeded',
  },
  'init-adapter': {
    type: 'string',
    valueName: 'DIR',
    description: 'Start from this LoRA adapter (its rank, alpha, dropout and targets) instead of a fresh one',
  },
  output: {
    type: 'string',
    short: 'o',
    valueName: 'DIR',
    description: 'Output folder: checkpoints, then the adapter (or model with --full)',
  },
  full: {
    type: 'boolean',
    description: 'Train every weight instead of a LoRA adapter (weights as f32 variables)',
  },
  'base-dtype': {
    type: 'string',
    valueName: 'TYPE',
    choices: WEIGHT_DTYPES,
    description:
      "LoRA: the frozen base's format (auto = as stored; bf16, f16, q8_0, q4_0 are QLoRA-style, the adapter stays f32)",
  },
  'lora-r': { type: 'string', valueName: 'N', default: '8', description: 'LoRA rank' },
  'lora-alpha': {
    type: 'string',
    valueName: 'N',
    default: '16',
    description: 'LoRA alpha (scaling = alpha / r)',
  },
  'lora-dropout': { type: 'string', valueName: 'P', default: '0.05', description: 'LoRA dropout' },
  'target-modules': {
    type: 'string',
    valueName: 'LIST',
    default: 'q_proj,v_proj',
    description: 'Modules to adapt',
  },
  'modules-to-save': {
    type: 'string',
    valueName: 'LIST',
    description: 'Modules trained in full (embed_tokens,lm_head are added when the vocabulary grows)',
  },
  rslora: { type: 'boolean', description: 'rsLoRA scaling alpha / sqrt(r)' },
  'batch-size': { type: 'string', valueName: 'N', default: '4', description: 'Examples per micro-batch' },
  'grad-accum': {
    type: 'string',
    valueName: 'N',
    default: '1',
    description: 'Micro-batches per optimizer step',
  },
  epochs: { type: 'string', valueName: 'N', default: '1', description: 'Passes over the data' },
  'max-steps': {
    type: 'string',
    valueName: 'N',
    description: 'Stop after N optimizer steps (overrides --epochs)',
  },
  lr: { type: 'string', valueName: 'RATE', default: '3e-4', description: 'Peak learning rate' },
  warmup: { type: 'string', valueName: 'N', default: '0', description: 'Warm-up steps' },
  schedule: {
    type: 'string',
    valueName: 'KIND',
    choices: SCHEDULES,
    default: 'linear',
    description: 'Learning-rate decay after warm-up',
  },
  'weight-decay': { type: 'string', valueName: 'W', default: '0', description: 'AdamW weight decay' },
  'save-every': { type: 'string', valueName: 'N', default: '50', description: 'Checkpoint every N steps' },
  'no-resume': { type: 'boolean', description: 'Ignore a checkpoint in the output folder' },
  'force-resume': {
    type: 'boolean',
    description: 'Resume a checkpoint made with other settings (lr, schedule, batch, LoRA shape, data…)',
  },
  seed: seedOption('Seed of data order, dropout and adapter init'),
  backend: backendOption,
};
