import { createRequire } from 'node:module';
import { pyLogInt } from './internal/python-log.js';

/**
 * Python jieba 0.42.1's prefix dictionary (`Tokenizer.FREQ` and `Tokenizer.total`) as a trie over UTF-16 units.
 * A node exists for every word and every prefix of a word (Python's `frag in FREQ`); its count is the word's count,
 * or 0 for a prefix only.
 */
export interface JiebaDictionary {
  /** Sum of the counts of all lines (Python's `total`). */
  readonly total: number;
  /** The child of `node` (the root is 0) by one UTF-16 unit, or -1. */
  child(node: number, unit: number): number;
  /** Count at each node; 0 for a prefix that is not a word. */
  readonly counts: Int32Array;
  /** Python's `FREQ.get(word)`: the count, 0 for a prefix only, undefined for neither. */
  count(word: string): number | undefined;
  /** Python's `log(count) - logtotal`, to the last bit. */
  logScore(count: number): number;
}

/**
 * Lines of Python's dict.txt missing from `@node-rs/jieba`'s copy, which otherwise has the same lines: Python's lists
 * `B超 3 n` twice (lines 2 and 17). The count of the word is the same either way, but Python's `total` adds both.
 */
const MISSING_LINES: ReadonlyArray<[word: string, count: number]> = [['B超', 3]];

let loaded: JiebaDictionary | undefined;

/**
 * jieba's default dictionary, read and parsed on first use (about half a second). The file comes from
 * `@node-rs/jieba`'s `dict.txt`, required at run time (not bundled), so a package that bundles this module without
 * calling it neither needs `@node-rs/jieba` nor reads the 5 MB file.
 */
export function jiebaDictionary(): JiebaDictionary {
  if (!loaded) {
    const { dict } = createRequire(import.meta.url)('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    loaded = parseDictionary(new TextDecoder().decode(dict), MISSING_LINES);
  }
  return loaded;
}

/** Python's `gen_pfdict` over the lines (`word count [tag]`) of a dict.txt, plus lines known to be missing. */
export function parseDictionary(
  text: string,
  extraLines: ReadonlyArray<[word: string, count: number]> = [],
): JiebaDictionary {
  const children = new Map<number, number>();
  let counts = new Int32Array(1 << 16);
  let nodes = 1;
  let total = 0;
  const child = (node: number, unit: number): number => children.get(node * 0x10000 + unit) ?? -1;
  const add = (word: string, count: number): void => {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const key = node * 0x10000 + word.charCodeAt(i);
      let next = children.get(key);
      if (next === undefined) {
        next = nodes++;
        children.set(key, next);
        if (nodes > counts.length) {
          const grown = new Int32Array(counts.length * 2);
          grown.set(counts);
          counts = grown;
        }
      }
      node = next;
    }
    counts[node] = count;
    total += count;
  };
  text.split('\n').forEach((line, index) => {
    const fields = line.trim().split(' ');
    const count = Number(fields[1]);
    if (line.trim() === '') return;
    if (!Number.isSafeInteger(count) || count < 0)
      throw new Error(`jieba dictionary line ${index + 1}: ${line}`);
    add(fields[0], count);
  });
  for (const [word, count] of extraLines) add(word, count);
  const finalCounts = counts.subarray(0, nodes);
  const logTotal = pyLogInt(total);
  const scores = new Map<number, number>();
  return {
    total,
    child,
    counts: finalCounts,
    count(word) {
      let node = 0;
      for (let i = 0; i < word.length && node >= 0; i++) node = child(node, word.charCodeAt(i));
      return node > 0 ? finalCounts[node] : undefined;
    },
    logScore(count) {
      let score = scores.get(count);
      if (score === undefined) {
        score = pyLogInt(count) - logTotal;
        scores.set(count, score);
      }
      return score;
    },
  };
}
