import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { TokenizerFileError } from './errors.js';
import { isByteLevelJson } from './internal/byte-level-json.js';
import { JsonTokenizer } from './json-tokenizer.js';
import { decodeModelProto } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
import { readTokenizerConfig } from './tokenizer-config.js';

/** What {@link loadTokenizer} returns: a SentencePiece model (or LLaMA-style `tokenizer.json`), or a byte-level BPE. */
export type LoadedTokenizer = SentencePieceTokenizer | ByteLevelBpeTokenizer;

/**
 * Load a tokenizer from a SentencePiece `.model`, a Hugging Face `tokenizer.json`, or a folder holding
 * either (`tokenizer.model` is preferred when both exist). The format is detected from the content:
 * a byte-level BPE `tokenizer.json` (GPT-2 / Qwen / LLaMA-3) gives a {@link ByteLevelBpeTokenizer} with the
 * special tokens and chat template of the `tokenizer_config.json` beside it; anything else a
 * {@link SentencePieceTokenizer} (or its subclass {@link JsonTokenizer}).
 */
export async function loadTokenizer(path: string): Promise<LoadedTokenizer> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new TokenizerFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (info.isDirectory()) {
    for (const name of ['tokenizer.model', 'tokenizer.json']) {
      if (existsSync(join(path, name))) return loadTokenizer(join(path, name));
    }
    throw new TokenizerFileError(path, 'folder holds neither tokenizer.model nor tokenizer.json');
  }
  const bytes = await readFile(path);
  const looksLikeJson = bytes[0] === 0x7b || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf);
  if (path.endsWith('.json') || (!path.endsWith('.model') && looksLikeJson)) {
    const text = new TextDecoder().decode(bytes);
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // JsonTokenizer reports the syntax error.
    }
    if (json && isByteLevelJson(json)) {
      return ByteLevelBpeTokenizer.fromJson(json, {
        path,
        jsonText: text,
        config: await readTokenizerConfig(path),
      });
    }
    return JsonTokenizer.fromString(text, path);
  }
  return new SentencePieceTokenizer(decodeModelProto(bytes, path), path);
}
