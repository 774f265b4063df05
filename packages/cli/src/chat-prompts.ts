import {
  builtinChatTemplates,
  chatPromptTokenizer,
  createChatPrompter,
  findChatTemplate,
  resolveChatTemplate,
} from '@lawgpt/serve';
import type { CommandIO, CommandOption } from './command.js';
import { UsageError } from './command.js';
import type { CliTokenizer } from './runtime.js';

/** `--template` and `--raw` of the commands that prompt a local model (`infer`, `eval run`). */
export const chatPromptOptions: Record<string, CommandOption> = {
  template: {
    type: 'string',
    valueName: 'NAME|FILE',
    description: `Frame each prompt as a user turn of this chat template: ${Object.keys(builtinChatTemplates).join(' | ')} or a Jinja file (default: the model's chat_template, when it has one)`,
  },
  raw: { type: 'boolean', description: "Send prompts as plain text, without the model's chat template" },
};

/** Options of {@link promptTokenizer}. */
export interface PromptTokenizerOptions {
  tokenizer: CliTokenizer;
  /** `--template`, `--raw`. */
  template?: string;
  raw?: boolean;
  /** Where the model's chat_template is looked for: tokenizer, adapter, model. */
  locations: Array<string | undefined>;
  io: CommandIO;
}

/** Check `--template` / `--raw` before anything loads. */
export function checkChatPromptOptions(values: Record<string, unknown>): void {
  if (values.raw === true && values.template !== undefined)
    throw new UsageError('--raw and --template exclude each other');
}

/**
 * The tokenizer prompts are encoded with: with `--template`, or when the model records a chat_template (as
 * `lawgpt sft` / `merge` do), each prompt becomes one user turn of that template, as `lawgpt serve` frames a
 * chat; with `--raw`, or when there is none, the prompt is used as it is.
 */
export async function promptTokenizer({
  tokenizer,
  template,
  raw = false,
  locations,
  io,
}: PromptTokenizerOptions): Promise<CliTokenizer> {
  if (raw) return tokenizer;
  const chosen =
    template !== undefined
      ? await resolveChatTemplate({ override: template, tokenizer, locations })
      : await findChatTemplate({ tokenizer, locations });
  if (!chosen) {
    io.stderr(
      'prompts are sent as plain text: the model has no chat_template (give --template NAME to frame them)\n',
    );
    return tokenizer;
  }
  io.stderr(`prompts framed as user turns of the chat template of ${chosen.source} (--raw for plain text)\n`);
  return chatPromptTokenizer(tokenizer, createChatPrompter({ ...chosen, tokenizer }));
}
