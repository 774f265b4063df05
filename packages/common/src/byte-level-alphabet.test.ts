import { describe, expect, it } from 'vitest';
import { BYTE_LEVEL_ALPHABET } from './byte-level-alphabet.js';

describe('BYTE_LEVEL_ALPHABET', () => {
  it('maps the 256 bytes to 256 distinct single characters, as GPT-2 writes them', () => {
    expect(BYTE_LEVEL_ALPHABET).toHaveLength(256);
    expect(new Set(BYTE_LEVEL_ALPHABET).size).toBe(256);
    expect(BYTE_LEVEL_ALPHABET.every((char) => char.length === 1)).toBe(true);
    // the well-known pieces of GPT-2 / Qwen vocabularies
    expect(BYTE_LEVEL_ALPHABET[0x20]).toBe('Ġ');
    expect(BYTE_LEVEL_ALPHABET[0x0a]).toBe('Ċ');
    expect(BYTE_LEVEL_ALPHABET[0x41]).toBe('A');
    expect(BYTE_LEVEL_ALPHABET[0xe4]).toBe('ä');
    expect(BYTE_LEVEL_ALPHABET[0x00]).toBe('\u0100'); // the first of the 68 unprintable bytes
    expect(BYTE_LEVEL_ALPHABET[0xad]).toBe('\u0143'); // the soft hyphen, the last of them: U+0100 + 67
  });
});
