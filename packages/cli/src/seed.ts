import type { CommandOption } from './command.js';

/** The seed every command uses when none is given (Hugging Face Trainer's default). */
export const DEFAULT_SEED = 42;

/** A `--seed N` option with the shared default; `description` says what the seed drives. */
export function seedOption(description: string): CommandOption {
  return { type: 'string', valueName: 'N', default: String(DEFAULT_SEED), description };
}
