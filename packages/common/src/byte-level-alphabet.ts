/**
 * GPT-2's byte-level alphabet (`bytes_to_unicode`): the one printable character that stands for each byte.
 * The printable Latin-1 bytes `!`..`~`, `¡`..`¬`, `®`..`ÿ` stand for themselves; the other 68 bytes become
 * U+0100 + n in byte order (space → `Ġ`, `\n` → `Ċ`).
 */
export const BYTE_LEVEL_ALPHABET: readonly string[] = buildAlphabet();

function buildAlphabet(): string[] {
  const chars = new Array<string>(256);
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    chars[byte] = String.fromCharCode(printable ? byte : 0x100 + extra++);
  }
  return chars;
}
