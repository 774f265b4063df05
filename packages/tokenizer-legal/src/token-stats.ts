import type { LoadedTokenizer } from './load-tokenizer.js';
import { PieceType } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/** Token counts of a tokenizer over some texts. */
export interface TokenStats {
  texts: number;
  /** Unicode code points. */
  chars: number;
  /** Han (Chinese) characters. */
  hanChars: number;
  tokens: number;
  tokensPerChar: number;
  /** Tokens per Han character (tokens of all text divided by its Han characters). */
  tokensPerHanChar: number;
  /** Byte-fallback tokens (`<0x..>` pieces; 0 for byte-level BPE, which has no fallback). */
  byteFallbackTokens: number;
  /** Byte-fallback tokens / tokens. */
  byteFallbackRate: number;
  /** `<unk>` tokens. */
  unkTokens: number;
}

const HAN = /\p{Script=Han}/gu;

/** Count characters, tokens, tokens per Chinese character and the byte-fallback rate of `texts`. */
export function tokenStats(tokenizer: LoadedTokenizer, texts: Iterable<string>): TokenStats {
  const sentencePiece = tokenizer instanceof SentencePieceTokenizer ? tokenizer : undefined;
  let count = 0;
  let chars = 0;
  let hanChars = 0;
  let tokens = 0;
  let byteTokens = 0;
  let unkTokens = 0;
  for (const text of texts) {
    count++;
    for (const _ of text) chars++;
    hanChars += text.match(HAN)?.length ?? 0;
    const ids = tokenizer.encode(text);
    tokens += ids.length;
    for (const id of ids) {
      const type = sentencePiece?.pieceType(id);
      if (type === PieceType.BYTE) byteTokens++;
      else if (type === PieceType.UNKNOWN || (!sentencePiece && id === tokenizer.unkId)) unkTokens++;
    }
  }
  return {
    texts: count,
    chars,
    hanChars,
    tokens,
    tokensPerChar: chars > 0 ? tokens / chars : 0,
    tokensPerHanChar: hanChars > 0 ? tokens / hanChars : 0,
    byteFallbackTokens: byteTokens,
    byteFallbackRate: tokens > 0 ? byteTokens / tokens : 0,
    unkTokens,
  };
}
