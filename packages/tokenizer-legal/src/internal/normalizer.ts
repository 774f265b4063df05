import type { PrecompiledCharsmap } from './precompiled-charsmap.js';
import type { PrefixMatcher } from './prefix-matcher.js';
import { utf8Bytes } from './utf8.js';

/** The whitespace symbol U+2581 that SentencePiece writes for a space. */
export const SPACE_SYMBOL = '\u2581';

/** Normalization settings taken from `normalizer_spec` (defaults as in sentencepiece_model.proto). */
export interface NormalizerSettings {
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
  treatWhitespaceAsSuffix: boolean;
  charsmap?: PrecompiledCharsmap;
  /** User-defined pieces are copied unnormalized. */
  userDefined?: PrefixMatcher;
}

const decoder = new TextDecoder();

/**
 * Normalize `text` the way sentencepiece's `Normalizer::Normalize` does: character map (if any),
 * optional removal of extra spaces, dummy prefix, spaces → `▁`.
 */
export function normalize(text: string, settings: NormalizerSettings): string {
  if (text.length === 0) return '';
  const pieces = settings.charsmap ? mapWithCharsmap(text, settings) : splitChars(text, settings);
  const space = settings.escapeWhitespaces ? SPACE_SYMBOL : ' ';
  const remove = settings.removeExtraWhitespaces;
  let start = 0;
  if (remove) while (start < pieces.length && pieces[start] === ' ') start++;
  if (start === pieces.length) return '';
  let out = '';
  if (!settings.treatWhitespaceAsSuffix && settings.addDummyPrefix) out += space;
  let previousIsSpace = remove;
  for (let index = start; index < pieces.length; index++) {
    let piece = pieces[index];
    if (previousIsSpace) {
      let skip = 0;
      while (skip < piece.length && piece.charCodeAt(skip) === 32) skip++;
      if (skip > 0) piece = piece.slice(skip);
    }
    if (piece.length > 0) {
      out += settings.escapeWhitespaces && piece.includes(' ') ? piece.replaceAll(' ', SPACE_SYMBOL) : piece;
      previousIsSpace = piece.charCodeAt(piece.length - 1) === 32;
    }
    if (!remove) previousIsSpace = false;
  }
  if (remove) while (out.endsWith(space)) out = out.slice(0, out.length - space.length);
  if (settings.treatWhitespaceAsSuffix && settings.addDummyPrefix) out += space;
  return out;
}

/** Identity normalization: one piece per code point (user-defined pieces kept whole). */
function splitChars(text: string, settings: NormalizerSettings): string[] {
  const pieces: string[] = [];
  const matcher = settings.userDefined && settings.userDefined.size > 0 ? settings.userDefined : undefined;
  let position = 0;
  while (position < text.length) {
    const code = text.codePointAt(position)!;
    let char = code > 0xffff ? text.slice(position, position + 2) : text[position];
    if (code >= 0xd800 && code <= 0xdfff) char = '\uFFFD';
    const matched = matcher ? matcher.matchString(text, position, char) : 0;
    if (matched > 0) {
      pieces.push(text.slice(position, position + matched));
      position += matched;
    } else {
      pieces.push(char);
      position += code > 0xffff ? 2 : 1;
    }
  }
  return pieces;
}

/** Normalization through a precompiled charsmap, on UTF-8 bytes. */
function mapWithCharsmap(text: string, settings: NormalizerSettings): string[] {
  const bytes = utf8Bytes(text);
  const charsmap = settings.charsmap!;
  const matcher = settings.userDefined && settings.userDefined.size > 0 ? settings.userDefined : undefined;
  const pieces: string[] = [];
  let position = 0;
  while (position < bytes.length) {
    const matched = matcher ? matcher.matchBytes(bytes, position) : 0;
    if (matched > 0) {
      pieces.push(decoder.decode(bytes.subarray(position, position + matched)));
      position += matched;
      continue;
    }
    const { output, consumed } = charsmap.normalizePrefix(bytes, position);
    pieces.push(decoder.decode(output));
    position += consumed;
  }
  return pieces;
}
