import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TokenizerFileError } from './errors.js';
import { JsonTokenizer } from './json-tokenizer.js';
import { decodeModelProto } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/**
 * Load a tokenizer from a SentencePiece `.model`, a Hugging Face `tokenizer.json`, or a folder holding
 * either (`tokenizer.model` is preferred when both exist). The format is detected from the content.
 */
export async function loadTokenizer(path: string): Promise<SentencePieceTokenizer> {
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
    return JsonTokenizer.fromString(new TextDecoder().decode(bytes), path);
  }
  return new SentencePieceTokenizer(decodeModelProto(bytes, path), path);
}
