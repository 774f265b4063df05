/** UTF-8 helpers that follow sentencepiece's rules (invalid byte → U+FFFD, one byte consumed). */

const encoder = new TextEncoder();

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Number of UTF-8 bytes of one code point. */
export function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Length of the valid UTF-8 sequence at `bytes[position]`, or 0 when it is malformed
 * (overlong forms, surrogates and values above U+10FFFF are malformed).
 */
export function validSequenceLength(bytes: Uint8Array, position: number, end = bytes.length): number {
  const first = bytes[position];
  if (first < 0x80) return 1;
  let length: number;
  let minimum: number;
  let codePoint: number;
  if (first >= 0xc2 && first <= 0xdf) {
    length = 2;
    minimum = 0x80;
    codePoint = first & 0x1f;
  } else if (first >= 0xe0 && first <= 0xef) {
    length = 3;
    minimum = 0x800;
    codePoint = first & 0x0f;
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4;
    minimum = 0x10000;
    codePoint = first & 0x07;
  } else {
    return 0;
  }
  if (position + length > end) return 0;
  for (let index = 1; index < length; index++) {
    const next = bytes[position + index];
    if ((next & 0xc0) !== 0x80) return 0;
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return 0;
  return length;
}

/** Decode UTF-8 bytes, replacing every malformed byte with U+FFFD (sentencepiece's byte-piece decoding). */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  let text = '';
  let runStart = 0;
  let position = 0;
  const decoder = new TextDecoder();
  while (position < bytes.length) {
    const length = validSequenceLength(bytes, position);
    if (length === 0) {
      if (position > runStart) text += decoder.decode(bytes.subarray(runStart, position));
      text += '\uFFFD';
      position += 1;
      runStart = position;
    } else {
      position += length;
    }
  }
  if (position > runStart) text += decoder.decode(bytes.subarray(runStart, position));
  return text;
}
