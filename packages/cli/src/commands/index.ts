import type { Command } from '../command.js';
import { versionCommand } from './version.js';

/** Every subcommand, in the order `lawgpt --help` lists them. */
export const commands: readonly Command[] = [versionCommand];
