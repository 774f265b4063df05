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
  return jieba().cut(text, true);
}
