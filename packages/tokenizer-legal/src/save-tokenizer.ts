import type { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
export async function saveTokenizerFiles(_t: SentencePieceTokenizer, _dir: string): Promise<string[]> { return []; }
