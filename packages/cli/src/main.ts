import { type Command, type CommandIO, formatCommandHelp, parseCommandArgs, UsageError } from './command.js';
import { commands } from './commands/index.js';

const defaultIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** The top-level `lawgpt --help` text: every subcommand that exists, with its summary. */
export function formatMainHelp(available: readonly Command[] = commands): string {
  const width = Math.max(...available.map((command) => command.name.length)) + 2;
  const rows = available.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return [
    'Usage: lawgpt <command> [options]',
    '',
    'Build a Chinese legal LLM the LaWGPT way, from Node.',
    '',
    'Commands:',
    ...rows,
    '',
    'Options:',
    '  -V, --version  Print the versions of lawgpt and its libraries (as lawgpt version)',
    '  -h, --help     Show this help',
    '',
    "Run 'lawgpt <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/**
 * Run the CLI with `argv` (without `node` and the script path) and return the exit code:
 * 0 success, 1 failure, 2 usage error.
 */
export async function main(argv: string[], io: CommandIO = defaultIO): Promise<number> {
  const [first, ...rest] = argv;
  const name = first === '--version' || first === '-V' ? 'version' : first;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(formatMainHelp());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`lawgpt: unknown command '${name}'\n\n${formatMainHelp()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(formatCommandHelp(command));
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`lawgpt ${command.name}: ${error.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    io.stderr(`lawgpt ${command.name}: ${(error as Error).message}\n`);
    if (process.env.LAWGPT_DEBUG) io.stderr(`${(error as Error).stack}\n`);
    return 1;
  }
}
