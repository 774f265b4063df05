import { pinyin } from '@napi-rs/pinyin';
import * as OpenCC from 'opencc-js/t2cn';

/** One character token of ChERRANT's char-level tokenizer. */
export interface CharToken {
  text: string;
  /** Toneless readings (all heteronyms); the character itself where it has none. */
  readings: string[];
}

const readingCache = new Map<string, string[]>();

/** All toneless readings of one character (pypinyin `Style.NORMAL, heteronym=True`). */
export function readingsOf(ch: string): string[] {
  let readings = readingCache.get(ch);
  if (!readings) {
    const result = pinyin(ch, { heteronym: true }) as string[][];
    const list = result.length === 1 && result[0].length > 0 ? [...new Set(result[0])] : [ch];
    readings = list;
    readingCache.set(ch, readings);
  }
  return readings;
}

/** ChERRANT char tokenizer: one token per code point, `[缺失成分]` kept whole. */
export function charTokens(text: string): CharToken[] {
  if (text.length === 0) return [];
  const pieces = Array.from(text).join(' ').replaceAll('[ 缺 失 成 分 ]', '[缺失成分]').split(' ');
  return pieces.map((piece) => ({ text: piece, readings: readingsOf(piece) }));
}

let converter: ((text: string) => string) | undefined;

/** OpenCC `t2s` (traditional → simplified), applied by ChERRANT to every target sentence. */
export function toSimplified(text: string): string {
  const convert = converter ?? OpenCC.Converter({ from: 't', to: 'cn' });
  converter = convert;
  return convert(text);
}
