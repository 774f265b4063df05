import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesAtomic } from '@lawgpt/common';
import { type ApplyChatTemplateOptions, type ChatMessage, renderChatTemplate } from './chat-template.js';
import { TokenizerFileError, TokenizerInputError, TokenizerModelError } from './errors.js';
import { AddedTokens } from './internal/added-tokens.js';
import { decodeByteLevel } from './internal/byte-level.js';
import type { ByteLevelBpeModel } from './internal/byte-level-bpe-model.js';
import { addedTokensJson, type ByteLevelParts, parseByteLevelJson } from './internal/byte-level-json.js';
import type { PreTokenizer } from './internal/pre-tokenizer.js';
import type { DecodeOptions, EncodeOptions, Tokenizer } from './tokenizer.js';
import { parseTokenizerConfig, readTokenizerConfig, type TokenizerConfig } from './tokenizer-config.js';

/** One entry of `added_tokens`, as in `tokenizer.json`. */
export interface AddedToken {
  id: number;
  content: string;
  /** Control token (`<|im_start|>`): skipped by `decode` with `skipSpecial`, matched only when asked. */
  special: boolean;
  /** Matched in the normalized text (true) or the raw text (false). */
  normalized: boolean;
  lstrip: boolean;
  rstrip: boolean;
  singleWord: boolean;
}

/** Options of {@link ByteLevelBpeTokenizer.encode}. */
export interface ByteLevelEncodeOptions extends EncodeOptions {
  /**
   * Match special tokens written in the text (`<|im_start|>`, `<|endoftext|>`) as their ids (default false:
   * they are plain text, as HF's `encode_special_tokens`). Non-special added tokens always match, as in HF.
   */
  allowSpecial?: boolean;
}

type JsonObject = Record<string, unknown>;

interface Parts extends ByteLevelParts {
  path: string;
  jsonText: string;
  /** The added tokens of `jsonText` as read (`save` writes `jsonText` unchanged while they are the same). */
  readAddedTokens: string;
  config?: TokenizerConfig;
}

/**
 * A byte-level BPE `tokenizer.json` (GPT-2, Qwen, LLaMA-3 style), encoded in JavaScript with the ids, pieces
 * and decoded text of Hugging Face `tokenizers`, plus what `tokenizer_config.json` says: special tokens and
 * the chat template.
 */
export class ByteLevelBpeTokenizer implements Tokenizer {
  readonly format = 'tokenizer.json' as const;
  readonly modelType = 'bpe' as const;
  /** Ids in all: model pieces and added tokens (`len(tokenizer)` in transformers). */
  readonly vocabSize: number;
  /** Id of `bos_token` from tokenizer_config.json, or -1 (Qwen has none). */
  readonly bosId: number;
  readonly eosId: number;
  /** `model.unk_token`'s id, or -1 (byte-level models need none). */
  readonly unkId: number;
  readonly padId?: number;
  readonly bosToken?: string;
  readonly eosToken?: string;
  readonly padToken?: string;
  /** The chat template (Jinja) of tokenizer_config.json, when there is one. */
  readonly chatTemplate?: string;
  /** Added tokens in id order (special ones and e.g. legal terms). */
  readonly addedTokens: readonly AddedToken[];
  /** Where it was read from (`<memory>` when built in code). */
  readonly path: string;
  /** The tokenizer_config.json read next to the file, when there was one. */
  readonly config?: TokenizerConfig;
  private readonly parts: Parts;
  private readonly added: AddedTokens;
  private readonly model: ByteLevelBpeModel;
  private readonly preTokenizer: PreTokenizer;
  private readonly pieceBuffer: string[] = [];

  private constructor(parts: Parts) {
    this.parts = parts;
    this.path = parts.path;
    this.model = parts.model;
    this.preTokenizer = parts.preTokenizer;
    this.addedTokens = [...parts.addedTokens].sort((a, b) => a.id - b.id);
    this.added = new AddedTokens(this.addedTokens, parts.normalize);
    let size = this.model.pieces.length;
    for (const token of this.addedTokens) size = Math.max(size, token.id + 1);
    this.vocabSize = size;
    this.unkId = this.model.unkId;
    const config = parts.config;
    this.config = config;
    const idOf = (token: string | undefined, field: string): number => {
      if (token === undefined) return -1;
      const id = this.pieceToId(token);
      if (id === undefined)
        throw new TokenizerModelError({
          path: config!.path,
          field,
          expected: 'a token of the vocabulary',
          actual: token,
        });
      return id;
    };
    this.bosToken = config?.bosToken;
    this.eosToken = config?.eosToken;
    this.padToken = config?.padToken;
    this.bosId = idOf(config?.bosToken, 'bos_token');
    this.eosId = idOf(config?.eosToken, 'eos_token');
    const padId = idOf(config?.padToken, 'pad_token');
    if (padId >= 0) this.padId = padId;
    this.chatTemplate = config?.chatTemplate;
  }

  /**
   * Read a byte-level BPE `tokenizer.json` and, when present next to it, `tokenizer_config.json` (special
   * tokens, chat template). Unsupported kinds throw `TokenizerModelError` naming the JSON field.
   */
  static async fromFile(path: string): Promise<ByteLevelBpeTokenizer> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new TokenizerFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
    }
    let json: JsonObject;
    try {
      json = JSON.parse(text) as JsonObject;
    } catch (error) {
      throw new TokenizerFileError(path, `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    return ByteLevelBpeTokenizer.fromJson(json, {
      path,
      jsonText: text,
      config: await readTokenizerConfig(path),
    });
  }

  /**
   * Build from a parsed `tokenizer.json` (and optionally a parsed `tokenizer_config.json`).
   * @param options.path names the source in errors; `jsonText` is the file text (kept for `save`).
   */
  static fromJson(
    json: JsonObject,
    options: { path?: string; jsonText?: string; config?: TokenizerConfig | JsonObject } = {},
  ): ByteLevelBpeTokenizer {
    const { path = '<memory>', jsonText = JSON.stringify(json) } = options;
    const config =
      options.config === undefined || 'json' in options.config
        ? (options.config as TokenizerConfig | undefined)
        : parseTokenizerConfig(options.config, `${path}:tokenizer_config`);
    const parts = parseByteLevelJson(json, path);
    const readAddedTokens = JSON.stringify(addedTokensJson(parts.addedTokens));
    return new ByteLevelBpeTokenizer({ ...parts, path, jsonText, readAddedTokens, config });
  }

  /** This tokenizer with more added tokens (same model; `extendTokenizer` builds on it). */
  withAddedTokens(tokens: readonly AddedToken[]): ByteLevelBpeTokenizer {
    return new ByteLevelBpeTokenizer({ ...this.parts, addedTokens: [...this.addedTokens, ...tokens] });
  }

  /** Ids and pieces (byte-level strings; added tokens as written) of `text`. */
  encodeDetailed(text: string, options: ByteLevelEncodeOptions = {}): { ids: number[]; pieces: string[] } {
    const ids = this.encode(text, options);
    return { ids, pieces: ids.map((id) => this.idToPiece(id)) };
  }

  encode(
    text: string,
    { addBos = false, addEos = false, allowSpecial = false }: ByteLevelEncodeOptions = {},
  ): number[] {
    const ids: number[] = [];
    if (addBos && this.bosId >= 0) ids.push(this.bosId);
    const pieces = this.pieceBuffer;
    const mapped = this.preTokenizer.emitsByteLevel;
    for (const segment of this.added.segment(text, allowSpecial)) {
      if (segment.id >= 0) {
        ids.push(segment.id);
        continue;
      }
      pieces.length = 0;
      this.preTokenizer.split(segment.text, pieces);
      for (let index = 0; index < pieces.length; index++) this.model.tokenize(pieces[index], mapped, ids);
    }
    if (addEos && this.eosId >= 0) ids.push(this.eosId);
    return ids;
  }

  encodeBatch(texts: readonly string[], options: ByteLevelEncodeOptions = {}): number[][] {
    return texts.map((text) => this.encode(text, options));
  }

  encodePieces(text: string, options: ByteLevelEncodeOptions = {}): string[] {
    return this.encodeDetailed(text, options).pieces;
  }

  /** Ids → text as HF's ByteLevel decoder (`skipSpecial` default true drops special added tokens). */
  decode(ids: readonly number[], { skipSpecial = true }: DecodeOptions = {}): string {
    const tokens: string[] = [];
    ids.forEach((id, index) => {
      const added = this.added.byId.get(id);
      if (added?.special && skipSpecial) return;
      const piece = added?.content ?? this.model.pieces[id];
      if (piece === undefined || !Number.isInteger(id))
        throw new TokenizerInputError(
          `ids[${index}]`,
          `${id} is not an id of this ${this.vocabSize}-id vocabulary`,
        );
      tokens.push(piece);
    });
    return decodeByteLevel(tokens);
  }

  idToPiece(id: number): string {
    const piece = this.added.byId.get(id)?.content ?? this.model.pieces[id];
    if (piece === undefined || !Number.isInteger(id))
      throw new TokenizerInputError('id', `${id} is not an id of this ${this.vocabSize}-id vocabulary`);
    return piece;
  }

  /** Id of a piece (byte-level string) or added token content, or undefined. */
  pieceToId(piece: string): number | undefined {
    return this.added.byContent.get(piece)?.id ?? this.model.vocab.get(piece);
  }

  /** True for special added tokens (`<|im_end|>`). */
  isSpecial(id: number): boolean {
    return this.added.byId.get(id)?.special === true;
  }

  /** The model's merges in rank order (e.g. for a GGUF `tokenizer.ggml.merges`). */
  merges(): Array<[string, string]> {
    return this.model.mergeList();
  }

  /**
   * Render the chat template of tokenizer_config.json for `messages`, as transformers'
   * `apply_chat_template(messages, tokenize=False, add_generation_prompt=…)`. Encode the result with
   * `{ allowSpecial: true }` so that `<|im_start|>` and the like become their ids.
   */
  applyChatTemplate(messages: readonly ChatMessage[], options: ApplyChatTemplateOptions = {}): string {
    const { chatTemplate, ...rest } = options;
    const named = chatTemplate === undefined ? undefined : this.config?.chatTemplates?.[chatTemplate];
    const template = named ?? chatTemplate ?? this.chatTemplate;
    if (template === undefined) {
      throw new TokenizerModelError({
        path: this.config?.path ?? this.path,
        field: 'chat_template',
        expected: 'a Jinja chat template (tokenizer_config.json or chat_template.jinja)',
        actual: 'none',
      });
    }
    // transformers passes the special tokens that are set (`special_tokens_map`).
    const config = this.config;
    const specialTokens: Record<string, string | readonly string[]> = {};
    const set: Array<[string, string | undefined]> = [
      ['bos_token', config?.bosToken],
      ['eos_token', config?.eosToken],
      ['unk_token', config?.unkToken],
      ['pad_token', config?.padToken],
    ];
    for (const [key, value] of set) if (value !== undefined) specialTokens[key] = value;
    const additional = config?.json.additional_special_tokens;
    if (Array.isArray(additional)) specialTokens.additional_special_tokens = additional as string[];
    return renderChatTemplate({
      ...rest,
      template,
      messages,
      specialTokens,
      source: this.config?.path ?? this.path,
    });
  }

  /** The `tokenizer.json` object (the file as read, with the current added tokens). */
  toJSON(): JsonObject {
    const json = JSON.parse(this.parts.jsonText) as JsonObject;
    json.added_tokens = addedTokensJson(this.addedTokens);
    return json;
  }

  /**
   * Write `tokenizer.json`, `tokenizer_config.json` (the one read, with `added_tokens_decoder` updated) and
   * `special_tokens_map.json` into `dir`, all atomically. Transformers and `tokenizers` load them.
   */
  async save(dir: string): Promise<string[]> {
    const unchanged = this.parts.readAddedTokens === JSON.stringify(addedTokensJson(this.addedTokens));
    const jsonText = unchanged ? this.parts.jsonText : `${JSON.stringify(this.toJSON(), null, 2)}\n`;
    const config: JsonObject = { ...(this.config?.json ?? { tokenizer_class: 'PreTrainedTokenizerFast' }) };
    config.added_tokens_decoder = Object.fromEntries(
      addedTokensJson(this.addedTokens).map(({ id, ...entry }) => [String(id), entry]),
    );
    const map: JsonObject = {};
    for (const key of ['bos_token', 'eos_token', 'pad_token', 'unk_token', 'additional_special_tokens'])
      if (config[key] !== undefined && config[key] !== null) map[key] = config[key];
    const files = [
      { path: join(dir, 'tokenizer.json'), data: jsonText },
      { path: join(dir, 'tokenizer_config.json'), data: `${JSON.stringify(config, null, 2)}\n` },
      { path: join(dir, 'special_tokens_map.json'), data: `${JSON.stringify(map, null, 2)}\n` },
    ];
    await writeFilesAtomic({ files });
    return files.map((file) => file.path);
  }
}
