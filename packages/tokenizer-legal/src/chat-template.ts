import { Template } from '@huggingface/jinja';
import { TokenizerInputError, TokenizerModelError } from './errors.js';

/** One chat turn, as transformers' `apply_chat_template` takes it. */
export interface ChatMessage {
  /** `system`, `user`, `assistant` or `tool`. */
  role: string;
  /** The text (or the content parts a multimodal template expects). */
  content: string;
  /** Anything else the template reads, e.g. `tool_calls` or `reasoning_content`. */
  [key: string]: unknown;
}

/** Options of `applyChatTemplate`. */
export interface ApplyChatTemplateOptions {
  /** Append the opening of the assistant's turn (`add_generation_prompt`; default false). */
  addGenerationPrompt?: boolean;
  /** Tool (function) definitions, passed as `tools` (default none: `tools` is `None`). */
  tools?: readonly Record<string, unknown>[];
  /** Retrieved documents, passed as `documents` (default none). */
  documents?: readonly Record<string, unknown>[];
  /** Further template variables, as transformers' extra keyword arguments (e.g. `{ enable_thinking: false }`). */
  variables?: Record<string, unknown>;
  /** A Jinja template to use instead of the tokenizer's, or the name of one of its named templates. */
  chatTemplate?: string;
}

/** Options of {@link renderChatTemplate}. */
export interface RenderChatTemplateOptions extends Omit<ApplyChatTemplateOptions, 'chatTemplate'> {
  /** The Jinja `chat_template` source. */
  template: string;
  /** The conversation. */
  messages: readonly ChatMessage[];
  /** `bos_token`, `eos_token`, … as strings (those that are set), passed to the template. */
  specialTokens?: Record<string, string | readonly string[]>;
  /** Where the template came from, for errors (default `<memory>`). */
  source?: string;
}

const parsed = new Map<string, Template>();

function compile(template: string, source: string): Template {
  let compiled = parsed.get(template);
  if (compiled === undefined) {
    try {
      compiled = new Template(template);
    } catch (error) {
      throw new TokenizerModelError({
        path: source,
        field: 'chat_template',
        expected: 'a Jinja template',
        actual: `one that does not parse (${(error as Error).message})`,
      });
    }
    if (parsed.size >= 16) parsed.delete(parsed.keys().next().value as string);
    parsed.set(template, compiled);
  }
  return compiled;
}

/**
 * Render a Jinja chat template the way transformers' `apply_chat_template(tokenize=False)` does, with
 * `@huggingface/jinja` (blocks trimmed and left-stripped, `raise_exception`, `strftime_now`, `tojson` as
 * Python's `json.dumps`): variables `messages`, `add_generation_prompt`, `tools`, `documents`, the special
 * tokens and `variables`. A template that raises becomes a {@link TokenizerInputError} on `messages`.
 */
export function renderChatTemplate({
  template,
  messages,
  addGenerationPrompt = false,
  tools,
  documents,
  variables = {},
  specialTokens = {},
  source = '<memory>',
}: RenderChatTemplateOptions): string {
  const compiled = compile(template, source);
  try {
    return compiled.render({
      ...specialTokens,
      ...variables,
      messages,
      tools: tools ?? null,
      documents: documents ?? null,
      add_generation_prompt: addGenerationPrompt,
    });
  } catch (error) {
    throw new TokenizerInputError('messages', `chat template of ${source}: ${(error as Error).message}`);
  }
}
