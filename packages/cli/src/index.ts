export type { Command, CommandIO, CommandOption, ParsedArgs } from './command.js';
export { formatCommandHelp, parseCommandArgs, UsageError } from './command.js';
export { commands } from './commands/index.js';
export { formatMainHelp, main } from './main.js';
