import { type JiebaDictionary, jiebaDictionary } from './jieba-dictionary.js';
import { hmmCut } from './jieba-hmm.js';
import { PY_SPACE } from './python-space.js';

/** Options of {@link jiebaCut}. */
export interface JiebaCutOptions {
  /**
   * Python's `HMM` argument: true segments runs of characters the dictionary does not join with the HMM (what
   * LawBench's ROUGE-L calls); false keeps them as single characters, joining runs of ASCII letters and digits.
   */
  hmm?: boolean;
}

/**
 * Python jieba 0.42.1's `jieba.cut(text, HMM=hmm)` (accurate mode), ported line by line: the text splits into runs of
 * `[\u4E00-\u9FD5a-zA-Z0-9+#&._%-]` (segmented by the dictionary route; with the HMM on, runs of single characters
 * the dictionary does not know go to the HMM) and the rest (one token per code point, except whitespace, and `\r\n`
 * as one). Returns the words, whitespace tokens included, exactly as `cut` yields them; they concatenate back to the
 * text.
 */
export function jiebaCut(text: string, { hmm = true }: JiebaCutOptions = {}): string[] {
  const out: string[] = [];
  if (text.length === 0) return out;
  const dictionary = jiebaDictionary();
  for (const block of text.split(HAN_BLOCK)) {
    if (block.length === 0) continue;
    if (!HAN_START.test(block)) cutOther(block, out);
    else if (hmm) cutDag(block, dictionary, out);
    else cutDagNoHmm(block, dictionary, out);
  }
  return out;
}

const HAN_BLOCK = /([\u4E00-\u9FD5a-zA-Z0-9+#&._%-]+)/;
const HAN_START = /^[\u4E00-\u9FD5a-zA-Z0-9+#&._%-]/;
const ASCII_ALNUM = /^[a-zA-Z0-9]$/;
const SKIP = new RegExp(`(\\r\\n|[${PY_SPACE}])`, 'u');

/** The non-Han branch of `cut`: whitespace (and `\r\n`) tokens as they are, every other code point alone. */
function cutOther(block: string, out: string[]): void {
  for (const piece of block.split(SKIP)) {
    if (piece.length === 0) continue;
    if (SKIP.test(piece[0]) || piece === '\r\n') out.push(piece);
    else for (const ch of piece) out.push(ch);
  }
}

/**
 * Python's `get_DAG` and `calc` in one right-to-left pass: for each start, the end of the best word, scored
 * `log(count or 1) - log(total)` plus the best score after it. The candidate ends are the dictionary words starting
 * there (or the start itself when none); ties go to the longer word, as `max` over `(score, end)` tuples does.
 */
function bestRoute(sentence: string, dictionary: JiebaDictionary): Int32Array {
  const { child, counts } = dictionary;
  const n = sentence.length;
  const score = new Float64Array(n + 1);
  const end = new Int32Array(n);
  for (let start = n - 1; start >= 0; start--) {
    let best = Number.NEGATIVE_INFINITY;
    let bestEnd = -1;
    let node = child(0, sentence.charCodeAt(start));
    for (let i = start; node >= 0; ) {
      const count = counts[node];
      if (count > 0) {
        const candidate = dictionary.logScore(count) + score[i + 1];
        if (candidate >= best) {
          best = candidate;
          bestEnd = i;
        }
      }
      if (++i >= n) break;
      node = child(node, sentence.charCodeAt(i));
    }
    if (bestEnd < 0) {
      best = dictionary.logScore(1) + score[start + 1];
      bestEnd = start;
    }
    score[start] = best;
    end[start] = bestEnd;
  }
  return end;
}

/** Python's `__cut_DAG`: dictionary words, with runs of single characters handed to the HMM unless a word. */
function cutDag(sentence: string, dictionary: JiebaDictionary, out: string[]): void {
  const route = bestRoute(sentence, dictionary);
  let bufferStart = 0;
  const flush = (bufferEnd: number): void => {
    if (bufferEnd - bufferStart === 1) out.push(sentence[bufferStart]);
    else if (bufferEnd - bufferStart > 1) {
      const buffer = sentence.slice(bufferStart, bufferEnd);
      if (!dictionary.count(buffer)) hmmCut(buffer, out);
      else for (const ch of buffer) out.push(ch);
    }
  };
  let x = 0;
  while (x < sentence.length) {
    const y = route[x] + 1;
    if (y - x > 1) {
      flush(x);
      out.push(sentence.slice(x, y));
      bufferStart = y;
    }
    x = y;
  }
  flush(x);
}

/** Python's `__cut_DAG_NO_HMM`: dictionary words; consecutive single ASCII letters or digits are joined. */
function cutDagNoHmm(sentence: string, dictionary: JiebaDictionary, out: string[]): void {
  const route = bestRoute(sentence, dictionary);
  let buffer = '';
  for (let x = 0; x < sentence.length; ) {
    const y = route[x] + 1;
    const word = sentence.slice(x, y);
    if (y - x === 1 && ASCII_ALNUM.test(word)) buffer += word;
    else {
      if (buffer) out.push(buffer);
      buffer = '';
      out.push(word);
    }
    x = y;
  }
  if (buffer) out.push(buffer);
}
