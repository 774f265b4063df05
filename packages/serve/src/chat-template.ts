import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GgufFile, isGgufPath } from '@lawgpt/llama-core';
import { promptTemplates, toChatTemplate } from '@lawgpt/lora';
import {
  ByteLevelBpeTokenizer,
  type ChatMessage,
  readTokenizerConfig,
  renderChatTemplate,
} from '@lawgpt/tokenizer-legal';
import { TemplateError } from './errors.js';
import type { RuntimeTokenizer } from './load-runtime.js';

/** The built-in chat templates by name (`--template NAME`): lora's prompt templates as Jinja. */
export const builtinChatTemplates: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(promptTemplates).map(([name, template]) => [name, toChatTemplate(template)]),
);

/** A chat template with where it came from. */
export interface ResolvedChatTemplate {
  /** The Jinja source. */
  template: string;
  /** Where it came from, in words: a file path or `built-in NAME`. */
  source: string;
  /** True when it came from the model's files (tokenizer_config.json, chat_template.jinja or GGUF metadata). */
  fromModel: boolean;
  /** Set when the model has no template and a built-in one is used: the start-up warning. */
  warning?: string;
}

/** Options of {@link resolveChatTemplate}. */
export interface ResolveChatTemplateOptions extends FindChatTemplateOptions {
  /** `--template`: a built-in name ({@link builtinChatTemplates}) or a Jinja file; wins over the model's. */
  override?: string;
  /** Built-in template used, with a warning, when the model has none (default `alpaca`). */
  fallback?: string;
}

async function readTemplateFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TemplateError(`${path}: cannot read the chat template (${(error as Error).message})`, {
      path,
      field: 'template',
      cause: error,
    });
  }
  if (!path.endsWith('.json')) return text;
  const template = (JSON.parse(text) as { chat_template?: unknown }).chat_template;
  if (typeof template !== 'string')
    throw new TemplateError(`${path}: has no chat_template string`, { path, field: 'chat_template' });
  return template;
}

async function ggufTemplate(path: string): Promise<string | undefined> {
  const file = await GgufFile.open(path);
  try {
    const value = file.value('tokenizer.chat_template');
    return typeof value === 'string' ? value : undefined;
  } finally {
    await file.close();
  }
}

/** Options of {@link findChatTemplate}. */
export interface FindChatTemplateOptions {
  /** The loaded tokenizer (a byte-level BPE one carries the template of its tokenizer_config.json). */
  tokenizer?: RuntimeTokenizer;
  /**
   * Folders (or files, whose folder is read; or a `.gguf` file's `tokenizer.chat_template`) searched in order,
   * e.g. tokenizer, adapter, model.
   */
  locations: Array<string | undefined>;
}

/** The model's own chat template and the file it is in: the first of `locations` that carries one. */
export async function findChatTemplate({
  tokenizer,
  locations,
}: FindChatTemplateOptions): Promise<{ template: string; source: string } | undefined> {
  if (tokenizer instanceof ByteLevelBpeTokenizer && tokenizer.chatTemplate !== undefined)
    return { template: tokenizer.chatTemplate, source: tokenizer.config?.path ?? tokenizer.path };
  for (const location of locations) {
    if (location === undefined || !existsSync(location)) continue;
    if (isGgufPath(location)) {
      const template = await ggufTemplate(location);
      if (template !== undefined) return { template, source: `${location} (tokenizer.chat_template)` };
      continue;
    }
    const folder = statSync(location).isDirectory() ? location : dirname(location);
    const config = await readTokenizerConfig(join(folder, 'tokenizer_config.json'));
    if (config?.chatTemplate !== undefined) return { template: config.chatTemplate, source: config.path };
  }
  return undefined;
}

/**
 * The chat template to serve with: `override` (`--template NAME|FILE`), else the model's own (the HF
 * `chat_template` that `lawgpt sft` / `lawgpt merge` record), else the built-in `fallback` with a warning.
 * The template is parsed here, so a broken one fails at start-up naming its file.
 */
export async function resolveChatTemplate({
  override,
  tokenizer,
  locations,
  fallback = 'alpaca',
}: ResolveChatTemplateOptions): Promise<ResolvedChatTemplate> {
  let resolved: ResolvedChatTemplate;
  if (override !== undefined) {
    const builtin = builtinChatTemplates[override];
    if (builtin !== undefined)
      resolved = { template: builtin, source: `built-in ${override}`, fromModel: false };
    else if (existsSync(override) && statSync(override).isFile())
      resolved = { template: await readTemplateFile(override), source: override, fromModel: false };
    else {
      const names = Object.keys(builtinChatTemplates).join(', ');
      throw new TemplateError(`--template ${override}: neither a built-in template (${names}) nor a file`, {
        path: override,
        field: 'template',
      });
    }
  } else {
    const own = await findChatTemplate({ tokenizer, locations });
    if (own) resolved = { ...own, fromModel: true };
    else {
      const where = locations.filter((location) => location !== undefined).join(', ');
      resolved = {
        template: builtinChatTemplates[fallback]!,
        source: `built-in ${fallback}`,
        fromModel: false,
        warning:
          `no chat_template in ${where} (tokenizer_config.json); chats are framed with the built-in '${fallback}' ` +
          `template, which may not be how the model was trained; give --template NAME|FILE ` +
          `(${Object.keys(builtinChatTemplates).join(', ')} or a Jinja file)`,
      };
    }
  }
  // parse and render once now, so a broken template is a start-up error naming its source
  if (tokenizer) {
    try {
      createChatPrompter({ ...resolved, tokenizer }).render([{ role: 'user', content: '?' }]);
    } catch (error) {
      throw new TemplateError(`chat template of ${resolved.source}: ${(error as Error).message}`, {
        path: resolved.source,
        field: 'chat_template',
        cause: error,
      });
    }
  }
  return resolved;
}

/** Options of {@link createChatPrompter}. */
export interface ChatPrompterOptions {
  /** The Jinja source. */
  template: string;
  tokenizer: RuntimeTokenizer;
  /** Where the template came from (for errors). */
  source?: string;
}

/** A conversation turned into the model's prompt text and ids. */
export interface ChatPrompter {
  /** The rendered prompt, `add_generation_prompt` set (its leading `bos_token` included). */
  render(messages: readonly ChatMessage[]): string;
  /** Prompt ids of a rendered text: a leading `bos_token` becomes the BOS id, special tokens their ids. */
  encode(text: string): number[];
}

/** Special-token strings the template sees, as transformers passes them. */
function specialTokens(tokenizer: RuntimeTokenizer): Record<string, string> {
  const tokens: Record<string, string> = {};
  if (tokenizer instanceof ByteLevelBpeTokenizer) {
    const config = tokenizer.config;
    const set = { bos_token: config?.bosToken, eos_token: config?.eosToken, unk_token: config?.unkToken };
    for (const [key, value] of Object.entries(set)) if (value !== undefined) tokens[key] = value;
    return tokens;
  }
  for (const [key, id] of [
    ['bos_token', tokenizer.bosId],
    ['eos_token', tokenizer.eosId],
    ['unk_token', tokenizer.unkId],
  ] as const) {
    if (id >= 0) tokens[key] = tokenizer.idToPiece(id);
  }
  return tokens;
}

/**
 * Render conversations with a chat template and encode them as transformers + the tokenizer's `add_bos_token`
 * would: the template's leading `bos_token` and the tokenizer's BOS are one token, never two (llama.cpp's rule).
 */
export function createChatPrompter({ template, tokenizer, source }: ChatPrompterOptions): ChatPrompter {
  const tokens = specialTokens(tokenizer);
  const bos = tokens.bos_token ?? '';
  return {
    render: (messages) =>
      renderChatTemplate({ template, messages, addGenerationPrompt: true, specialTokens: tokens, source }),
    encode(text) {
      const body = bos !== '' && text.startsWith(bos) ? text.slice(bos.length) : text;
      if (tokenizer instanceof ByteLevelBpeTokenizer)
        return tokenizer.encode(body, { addBos: true, allowSpecial: true });
      return tokenizer.encode(body, { addBos: true });
    },
  };
}

/**
 * A view of `tokenizer` whose `encode(text)` frames the text as one user turn of the chat template (for the
 * prompts of `lawgpt infer` / `eval run` on a chat-tuned model); everything else is the tokenizer's own.
 */
export function chatPromptTokenizer<T extends object>(tokenizer: T, prompter: ChatPrompter): T {
  const encode = (text: string) => prompter.encode(prompter.render([{ role: 'user', content: text }]));
  return new Proxy(tokenizer, {
    get(target, key) {
      if (key === 'encode') return encode;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
