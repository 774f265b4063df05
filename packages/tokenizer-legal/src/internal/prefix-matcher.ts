/** Longest-prefix matcher over a fixed set of strings (sentencepiece's user-defined symbol matcher). */
export class PrefixMatcher {
  private readonly byFirstChar = new Map<string, string[]>();
  private readonly byFirstByte = new Map<number, Uint8Array[]>();
  readonly size: number;

  constructor(words: Iterable<string>) {
    const encoder = new TextEncoder();
    let count = 0;
    for (const word of words) {
      if (word.length === 0) continue;
      count++;
      const first = String.fromCodePoint(word.codePointAt(0)!);
      const list = this.byFirstChar.get(first) ?? [];
      list.push(word);
      this.byFirstChar.set(first, list);
      const bytes = encoder.encode(word);
      const byteList = this.byFirstByte.get(bytes[0]) ?? [];
      byteList.push(bytes);
      this.byFirstByte.set(bytes[0], byteList);
    }
    for (const list of this.byFirstChar.values()) list.sort((a, b) => b.length - a.length);
    for (const list of this.byFirstByte.values()) list.sort((a, b) => b.length - a.length);
    this.size = count;
  }

  /** UTF-16 length of the longest word that starts `text` at `position`, or 0. */
  matchString(text: string, position: number, firstChar: string): number {
    const candidates = this.byFirstChar.get(firstChar);
    if (candidates === undefined) return 0;
    for (const word of candidates) if (text.startsWith(word, position)) return word.length;
    return 0;
  }

  /** Byte length of the longest word that starts `bytes` at `position`, or 0. */
  matchBytes(bytes: Uint8Array, position: number): number {
    const candidates = this.byFirstByte.get(bytes[position]);
    if (candidates === undefined) return 0;
    outer: for (const word of candidates) {
      if (position + word.length > bytes.length) continue;
      for (let index = 1; index < word.length; index++)
        if (bytes[position + index] !== word[index]) continue outer;
      return word.length;
    }
    return 0;
  }
}
