import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isOneOf } from './type-guards.js';

/** One option of a subcommand, as `node:util` parseArgs takes it, plus help text. */
export interface CommandOption {
  type: 'string' | 'boolean';
  /** One-line description shown by `--help`. */
  description: string;
  short?: string;
  default?: string | boolean;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `DIR`. */
  valueName?: string;
  /**
   * The values a string option accepts, matched ignoring case and handed to the command as spelled here
   * (`--type q8_0` → `Q8_0`); any other value is a usage error before the command runs. Shown by `--help`.
   */
  choices?: readonly string[];
}

/** Values and positionals that a subcommand receives. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** Where a command writes; injected so tests can capture output. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A `lawgpt` subcommand: its help text, options and body. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, CommandOption>;
  /** Longer help after the options list (examples). */
  details?: string;
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

/** Raised for a usage mistake: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The entry of `choices` that `value` spells, ignoring case (`q8_0` → `Q8_0`); `undefined` when none does. */
export function matchChoice<T extends string>(value: string, choices: readonly T[]): T | undefined {
  if (isOneOf(value, choices)) return value;
  const lower = value.toLowerCase();
  return choices.find((choice) => choice.toLowerCase() === lower);
}

/** The usage error of a value outside `choices`, naming the flag, the choices and the value. */
export function choiceError(flag: string, choices: readonly string[], value: unknown): UsageError {
  return new UsageError(`${flag} must be one of ${choices.join(', ')}, got '${String(value)}'`);
}

/** Parse `argv` for `command`; unknown options and values outside an option's `choices` are usage errors. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [key, option] of Object.entries(command.options)) {
    // parseArgs rejects keys that are present but undefined, so copy only the ones that are set.
    options[key] = {
      type: option.type,
      ...(option.short !== undefined && { short: option.short }),
      ...(option.multiple !== undefined && { multiple: option.multiple }),
      ...(option.default !== undefined && { default: option.default }),
    };
  }
  let parsed: ParsedArgs;
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    // sound: with strict parsing a `multiple` option is all strings or all booleans, never a mix
    parsed = { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const [key, { choices }] of Object.entries(command.options)) {
    const given = parsed.values[key];
    if (choices === undefined || given === undefined) continue;
    const pick = (value: string | boolean) => {
      const match = typeof value === 'string' ? matchChoice(value, choices) : undefined;
      if (match === undefined) throw choiceError(`--${key}`, choices, value);
      return match;
    };
    parsed.values[key] = Array.isArray(given) ? given.map(pick) : pick(given);
  }
  return parsed;
}

/** The `--help` text of one subcommand. */
export function formatCommandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary, '', 'Options:'];
  const entries = Object.entries({
    ...command.options,
    help: { type: 'boolean', description: 'Show this help', short: 'h' } satisfies CommandOption,
  });
  const labels = entries.map(([key, option]: [string, CommandOption]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${key}`;
    const placeholder = option.valueName ?? option.choices?.join('|') ?? 'VALUE';
    return option.type === 'string' ? `${flag} ${placeholder}` : flag;
  });
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  entries.forEach(([, option]: [string, CommandOption], index) => {
    // the choices are the placeholder when there is none, else listed after the description
    const choices = option.valueName && option.choices ? `; one of: ${option.choices.join(' | ')}` : '';
    const fallback = option.default !== undefined ? ` (default: ${String(option.default)})` : '';
    lines.push(`  ${labels[index].padEnd(width)}${option.description}${choices}${fallback}`);
  });
  if (command.details) lines.push('', command.details.trimEnd());
  return `${lines.join('\n')}\n`;
}
