import { join } from 'node:path';
import { writeFilesAtomic } from '@lawgpt/common';
import { convertToTokenizerJson } from './convert-tokenizer-json.js';
import type { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/** Options of {@link saveTokenizerFiles}. */
export interface SaveTokenizerOptions {
  /** `model_max_length` in `tokenizer_config.json` (default 4096, LLaMA-2's context). */
  modelMaxLength?: number;
  /** `add_bos_token` (default true, as LLaMA). */
  addBosToken?: boolean;
  /** `add_eos_token` (default false). */
  addEosToken?: boolean;
}

function tokenEntry(content: string): Record<string, unknown> {
  return { content, lstrip: false, normalized: false, rstrip: false, single_word: false };
}

/**
 * Write a tokenizer in the layout transformers' `LlamaTokenizer` / `LlamaTokenizerFast` load:
 * `tokenizer.model` (SentencePiece tokenizers, and `tokenizer.json` files with piece scores), `tokenizer.json`, `tokenizer_config.json`,
 * `special_tokens_map.json`. All files appear together or not at all. Returns the paths written.
 */
export async function saveTokenizerFiles(
  tokenizer: SentencePieceTokenizer,
  dir: string,
  { modelMaxLength = 4096, addBosToken = true, addEosToken = false }: SaveTokenizerOptions = {},
): Promise<string[]> {
  const piece = (id: number | undefined): string | null =>
    id === undefined || id < 0 ? null : tokenizer.idToPiece(id);
  const special = [tokenizer.unkId, tokenizer.bosId, tokenizer.eosId, tokenizer.padId ?? -1].filter(
    (id) => id >= 0,
  );
  const addedTokensDecoder = Object.fromEntries(
    [...new Set(special)]
      .sort((a, b) => a - b)
      .map((id) => [String(id), { ...tokenEntry(piece(id)!), special: true }]),
  );
  const config = {
    add_bos_token: addBosToken,
    add_eos_token: addEosToken,
    added_tokens_decoder: addedTokensDecoder,
    bos_token: piece(tokenizer.bosId),
    clean_up_tokenization_spaces: false,
    eos_token: piece(tokenizer.eosId),
    legacy: true,
    model_max_length: modelMaxLength,
    pad_token: piece(tokenizer.padId),
    padding_side: 'left',
    sp_model_kwargs: {},
    spaces_between_special_tokens: false,
    tokenizer_class: 'LlamaTokenizer',
    unk_token: piece(tokenizer.unkId),
    use_default_system_prompt: false,
  };
  const specialMap: Record<string, unknown> = {};
  if (tokenizer.bosId >= 0) specialMap.bos_token = tokenEntry(piece(tokenizer.bosId)!);
  if (tokenizer.eosId >= 0) specialMap.eos_token = tokenEntry(piece(tokenizer.eosId)!);
  if (tokenizer.padId !== undefined) specialMap.pad_token = tokenEntry(piece(tokenizer.padId)!);
  specialMap.unk_token = tokenEntry(piece(tokenizer.unkId)!);
  const jsonText =
    tokenizer.format === 'tokenizer.json' && 'jsonText' in tokenizer
      ? (tokenizer as unknown as { jsonText: string }).jsonText
      : JSON.stringify(convertToTokenizerJson(tokenizer), null, 2);
  const files: Array<{ path: string; data: string | Uint8Array }> = [];
  const exact =
    tokenizer.format === 'sentencepiece' ||
    (tokenizer as { hasPieceScores?: boolean }).hasPieceScores === true;
  if (exact) files.push({ path: join(dir, 'tokenizer.model'), data: tokenizer.toBytes() });
  files.push(
    { path: join(dir, 'tokenizer.json'), data: jsonText },
    { path: join(dir, 'tokenizer_config.json'), data: `${JSON.stringify(config, null, 2)}\n` },
    { path: join(dir, 'special_tokens_map.json'), data: `${JSON.stringify(specialMap, null, 2)}\n` },
  );
  await writeFilesAtomic({ files });
  return files.map((file) => file.path);
}
