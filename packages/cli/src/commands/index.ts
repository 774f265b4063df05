import type { Command } from '../command.js';
import { dataCommand } from './data.js';
import { demoCommand } from './demo.js';
import { evalCommand } from './eval.js';
import { inferCommand } from './infer.js';
import { mergeCommand } from './merge.js';
import { serveCommand } from './serve.js';
import { tokenizerCommand } from './tokenizer.js';
import { pretrainCommand, sftCommand } from './training.js';
import { versionCommand } from './version.js';

/** Every subcommand, in the order `lawgpt --help` lists them (the order of the LaWGPT recipe). */
export const commands: readonly Command[] = [
  demoCommand,
  dataCommand,
  tokenizerCommand,
  pretrainCommand,
  sftCommand,
  mergeCommand,
  inferCommand,
  evalCommand,
  serveCommand,
  versionCommand,
];
