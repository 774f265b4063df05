/**
 * `tokenizer_config.json` (and `chat_template.jinja`) next to a `tokenizer.json`, as transformers reads them:
 * special tokens (`bos_token` … as strings or `{ content }` objects) and the chat template.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFilesAtomic } from '@lawgpt/common';
import { TokenizerFileError, TokenizerModelError } from './errors.js';

type JsonObject = Record<string, unknown>;

/** What a loaded tokenizer keeps from `tokenizer_config.json`. */
export interface TokenizerConfig {
  /** The file read (for errors). */
  path: string;
  /** The parsed file, unchanged. */
  json: JsonObject;
  bosToken?: string;
  eosToken?: string;
  padToken?: string;
  unkToken?: string;
  /** The default chat template (from `chat_template.jinja` when that file exists, as transformers does). */
  chatTemplate?: string;
  /** Named templates when `chat_template` is a list of `{ name, template }`. */
  chatTemplates?: Record<string, string>;
}

function tokenContent(value: unknown, field: string, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  const content = (value as JsonObject).content;
  if (typeof content === 'string') return content;
  throw new TokenizerModelError({
    path,
    field,
    expected: 'a string or { content }',
    actual: JSON.stringify(value),
  });
}

/** Interpret a parsed `tokenizer_config.json` (`path` names it in errors). */
export function parseTokenizerConfig(json: JsonObject, path: string, jinjaFile?: string): TokenizerConfig {
  const config: TokenizerConfig = { path, json };
  for (const [key, field] of [
    ['bosToken', 'bos_token'],
    ['eosToken', 'eos_token'],
    ['padToken', 'pad_token'],
    ['unkToken', 'unk_token'],
  ] as const) {
    const value = tokenContent(json[field], field, path);
    if (value !== undefined) config[key] = value;
  }
  const template = json.chat_template;
  if (typeof template === 'string') config.chatTemplate = template;
  else if (Array.isArray(template)) {
    config.chatTemplates = {};
    template.forEach((entry: JsonObject, index) => {
      if (typeof entry?.name !== 'string' || typeof entry.template !== 'string') {
        throw new TokenizerModelError({
          path,
          field: `chat_template[${index}]`,
          expected: '{ name, template }',
          actual: JSON.stringify(entry)?.slice(0, 80) ?? 'undefined',
        });
      }
      config.chatTemplates![entry.name] = entry.template;
    });
    config.chatTemplate = config.chatTemplates.default;
  } else if (template !== undefined && template !== null) {
    throw new TokenizerModelError({
      path,
      field: 'chat_template',
      expected: 'a string or a list',
      actual: typeof template,
    });
  }
  if (jinjaFile !== undefined) config.chatTemplate = jinjaFile;
  return config;
}

/** Read `tokenizer_config.json` from the folder of `tokenizerPath`, or undefined when there is none. */
export async function readTokenizerConfig(tokenizerPath: string): Promise<TokenizerConfig | undefined> {
  const folder = dirname(tokenizerPath);
  const path = join(folder, 'tokenizer_config.json');
  if (!existsSync(path)) return undefined;
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new TokenizerFileError(file, `cannot read: ${(error as Error).message}`, { cause: error });
    }
  };
  let json: JsonObject;
  try {
    json = JSON.parse(await read(path)) as JsonObject;
  } catch (error) {
    if (error instanceof TokenizerFileError) throw error;
    throw new TokenizerFileError(path, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const jinjaPath = join(folder, 'chat_template.jinja');
  return parseTokenizerConfig(json, path, existsSync(jinjaPath) ? await read(jinjaPath) : undefined);
}

/** Options of {@link saveChatTemplate}. */
export interface SaveChatTemplateOptions {
  /** Folder whose `tokenizer_config.json` gets the template (created when missing). */
  dir: string;
  /** The Jinja `chat_template` source. */
  template: string;
}

/**
 * Record `template` as `chat_template` in `dir/tokenizer_config.json` (every other field kept), atomically:
 * the Hugging Face convention that transformers, vLLM and llama.cpp's converter read. A `chat_template.jinja`
 * already there (which transformers prefers) is rewritten too. Returns the path of the config.
 */
export async function saveChatTemplate({ dir, template }: SaveChatTemplateOptions): Promise<string> {
  const path = join(dir, 'tokenizer_config.json');
  const config = existsSync(path) ? (await readTokenizerConfig(path))!.json : {};
  const files = [{ path, data: `${JSON.stringify({ ...config, chat_template: template }, null, 2)}\n` }];
  // transformers reads chat_template.jinja before the config's field, so a file already there is updated too
  const jinjaPath = join(dir, 'chat_template.jinja');
  if (existsSync(jinjaPath)) files.push({ path: jinjaPath, data: template });
  await writeFilesAtomic({ files });
  return path;
}
