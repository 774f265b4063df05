import { type ParseArgsConfig, parseArgs } from 'node:util';

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

/** Parse `argv` for `command`; unknown options are usage errors. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [key, option] of Object.entries(command.options)) {
    // parseArgs rejects keys that are present but undefined, so copy only the ones that are set.
    options[key] = {
      type: option.type,
      ...(option.short !== undefined && { short: option.short }),
      ...(option.multiple !== undefined && { multiple: option.multiple }),
      ...(option.default !== undefined && { default: option.default as string | boolean }),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The `--help` text of one subcommand. */
export function formatCommandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary, '', 'Options:'];
  const entries = Object.entries({
    ...command.options,
    help: { type: 'boolean', description: 'Show this help', short: 'h' } as CommandOption,
  });
  const labels = entries.map(([key, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${key}`;
    return option.type === 'string' ? `${flag} ${option.valueName ?? 'VALUE'}` : flag;
  });
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  entries.forEach(([, option], index) => {
    const fallback = option.default !== undefined ? ` (default: ${String(option.default)})` : '';
    lines.push(`  ${labels[index].padEnd(width)}${option.description}${fallback}`);
  });
  if (command.details) lines.push('', command.details.trimEnd());
  return `${lines.join('\n')}\n`;
}
