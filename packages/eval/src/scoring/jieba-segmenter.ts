import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let instance: Jieba | undefined;

/** The shared jieba (default dictionary), created on first use. */
function jieba(): Jieba {
  instance ??= Jieba.withDict(dict);
  return instance;
}

/**
 * Python jieba 0.42.1's `jieba.cut(text)` (accurate mode, HMM on), through `@node-rs/jieba`.
 * Returns the words, whitespace tokens included, exactly as `cut` yields them.
 */
export function jiebaCut(text: string): string[] {
  if (text.length === 0) return [];
  return jieba().cut(text, true).flatMap(splitLikePython);
}

const ASCII_RUN = /^[A-Za-z0-9+#&._%-]+$/;
const PY_SKIP = /([a-zA-Z0-9]+(?:\.\d+)?%?)/;
let hyphenWords: Set<string> | undefined;

/**
 * `@node-rs/jieba` keeps ASCII runs with hyphens ("2014-2018") whole where Python jieba's HMM step splits them with
 * its `([a-zA-Z0-9]+(?:\.\d+)?%?)` rule ("2014", "-", "2018"); dictionary words are kept as both do.
 */
function splitLikePython(token: string): string[] {
  if (token.length < 2 || !token.includes('-') || !ASCII_RUN.test(token)) return [token];
  hyphenWords ??= new Set(
    new TextDecoder()
      .decode(dict)
      .split('\n')
      .map((line) => line.split(' ')[0])
      .filter((word) => word.includes('-')),
  );
  if (hyphenWords.has(token)) return [token];
  return token.split(PY_SKIP).filter((piece) => piece.length > 0);
}
