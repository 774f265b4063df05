import { BYTE_LEVEL_ALPHABET } from '@lawgpt/common';

/** Character of each byte in GPT-2's byte-level alphabet (`bytes_to_unicode`; space → `Ġ`, `\n` → `Ċ`). */
export const BYTE_TO_CHAR: readonly string[] = BYTE_LEVEL_ALPHABET;
/** Byte of each alphabet character code (< 0x144), or -1. */
const CHAR_TO_BYTE = new Int16Array(0x144).fill(-1);
for (let byte = 0; byte < 256; byte++) CHAR_TO_BYTE[BYTE_TO_CHAR[byte].charCodeAt(0)] = byte;

const encoder = new TextEncoder();

/** The byte-level form of `text`: its UTF-8 bytes, one alphabet character each. */
export function toByteLevel(text: string): string {
  const bytes = encoder.encode(text);
  let out = '';
  for (let index = 0; index < bytes.length; index++) out += BYTE_TO_CHAR[bytes[index]];
  return out;
}

/**
 * Bytes of a token as HF's ByteLevel decoder takes them: the alphabet bytes when every character is in the
 * alphabet, else the token's own UTF-8 bytes (added tokens such as `民法典`).
 */
export function pushTokenBytes(token: string, out: number[]): void {
  const start = out.length;
  for (let index = 0; index < token.length; index++) {
    const code = token.charCodeAt(index);
    const byte = code < 0x144 ? CHAR_TO_BYTE[code] : -1;
    if (byte < 0) {
      out.length = start;
      for (const raw of encoder.encode(token)) out.push(raw);
      return;
    }
    out.push(byte);
  }
}

/** Rust's `String::from_utf8_lossy`: one U+FFFD per maximal invalid subsequence, a leading BOM kept. */
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

/** HF's ByteLevel decoder: concatenate the tokens' bytes and decode them as lossy UTF-8. */
export function decodeByteLevel(tokens: readonly string[]): string {
  const bytes: number[] = [];
  for (const token of tokens) pushTokenBytes(token, bytes);
  return lossy.decode(Uint8Array.from(bytes));
}
