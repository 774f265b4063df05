import { decodeUtf8Lenient, utf8Bytes, validSequenceLength } from './utf8.js';

/**
 * SentencePiece's precompiled normalization map (`normalizer_spec.precompiled_charsmap`):
 * a little-endian uint32 trie size, a darts-clone double array over UTF-8 bytes, then a blob of
 * NUL-terminated replacement strings that the trie values point into.
 */
export class PrecompiledCharsmap {
  private readonly units: Uint32Array;
  private readonly replacements: Uint8Array;

  constructor(blob: Uint8Array) {
    if (blob.length < 4)
      throw new RangeError(`precompiled_charsmap is ${blob.length} bytes, expected at least 4`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > blob.length) {
      throw new RangeError(`precompiled_charsmap trie size ${trieSize} does not fit in ${blob.length} bytes`);
    }
    this.units = new Uint32Array(trieSize / 4);
    for (let index = 0; index < this.units.length; index++)
      this.units[index] = view.getUint32(4 + index * 4, true);
    this.replacements = blob.subarray(4 + trieSize);
  }

  /** Longest rule matching a prefix of `bytes[start..]`: `[length, valueOffset]`, or length 0. */
  private longestMatch(bytes: Uint8Array, start: number): [number, number] {
    const units = this.units;
    if (units.length === 0) return [0, 0];
    let longest = 0;
    let value = 0;
    let nodePosition = 0;
    let unit = units[0];
    nodePosition ^= offsetOf(unit);
    for (let index = start; index < bytes.length; index++) {
      const label = bytes[index];
      nodePosition ^= label;
      unit = units[nodePosition];
      if (unit === undefined || (unit & 0x800000ff) >>> 0 !== label) break;
      nodePosition ^= offsetOf(unit);
      if ((unit >>> 8) & 1) {
        longest = index - start + 1;
        value = units[nodePosition] & 0x7fffffff;
      }
    }
    return [longest, value];
  }

  private replacement(offset: number): Uint8Array {
    let end = offset;
    while (end < this.replacements.length && this.replacements[end] !== 0) end++;
    return this.replacements.subarray(offset, end);
  }

  /**
   * Normalize one prefix of `bytes[start..]`: returns the normalized UTF-8 bytes and how many input
   * bytes were consumed (malformed UTF-8 → U+FFFD, one byte consumed).
   */
  normalizePrefix(bytes: Uint8Array, start: number): { output: Uint8Array; consumed: number } {
    const [length, value] = this.longestMatch(bytes, start);
    if (length > 0) return { output: this.replacement(value), consumed: length };
    const valid = validSequenceLength(bytes, start);
    if (valid === 0) return { output: REPLACEMENT, consumed: 1 };
    return { output: bytes.subarray(start, start + valid), consumed: valid };
  }
}

const REPLACEMENT = utf8Bytes('\uFFFD');

function offsetOf(unit: number): number {
  return ((unit >>> 10) << ((unit & (1 << 9)) >>> 6)) >>> 0;
}

export { decodeUtf8Lenient };
