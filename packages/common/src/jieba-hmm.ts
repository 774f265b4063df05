import { HMM_EMIT, HMM_START, HMM_TRANS } from './jieba-hmm-model.js';

/**
 * Python jieba 0.42.1's `finalseg.cut`: the HMM (B/M/E/S Viterbi) that segments runs of characters the dictionary
 * route left as single characters. Ties break as Python's `max` over `(prob, state)` tuples does: the larger state
 * letter wins.
 */

const MIN_FLOAT = -3.14e100;
/** States in Python's iteration order 'BMES'. */
const STATES = ['B', 'M', 'E', 'S'];
/** Predecessors of each state (Python's `PrevStatus`), as indices into STATES. */
const PREVIOUS = [
  [2, 3], // B: 'ES'
  [1, 0], // M: 'MB'
  [0, 1], // E: 'BM'
  [3, 2], // S: 'SE'
];

/** The HMM only sees characters of Python's `[\u4E00-\u9FD5]`; emissions are indexed by code − 0x4E00. */
const FIRST = 0x4e00;
const SIZE = 0x9fd5 - FIRST + 1;

interface Model {
  /** emit[state * SIZE + code − FIRST]; MIN_FLOAT where Python's table has no entry. */
  emit: Float64Array;
  /** trans[from * 4 + to]; MIN_FLOAT where Python's table has no entry. */
  trans: Float64Array;
}
let model: Model | undefined;

function decodeModel(): Model {
  const emit = new Float64Array(4 * SIZE).fill(MIN_FLOAT);
  STATES.forEach((state, y) => {
    const { chars, values, index } = HMM_EMIT[state];
    const valueBytes = Buffer.from(values, 'base64');
    const indexBytes = Buffer.from(index, 'base64');
    for (let i = 0; i < chars.length; i++) {
      const offset = chars.charCodeAt(i) - FIRST;
      if (offset >= 0 && offset < SIZE)
        emit[y * SIZE + offset] = valueBytes.readDoubleLE(8 * indexBytes.readUInt16LE(2 * i));
    }
  });
  const trans = new Float64Array(16).fill(MIN_FLOAT);
  for (const [pair, value] of Object.entries(HMM_TRANS)) {
    trans[STATES.indexOf(pair[0]) * 4 + STATES.indexOf(pair[1])] = value;
  }
  return { emit, trans };
}

/** Python's `viterbi(obs, 'BMES', ...)`: the most likely state (B/M/E/S) of each character of a `[\u4E00-\u9FD5]` run. */
export function viterbiStates(text: string): string[] {
  model ??= decodeModel();
  const { emit, trans } = model;
  const n = text.length;
  let scores = STATES.map((_, y) => HMM_START[y] + emit[y * SIZE + text.charCodeAt(0) - FIRST]);
  const back = new Uint8Array(4 * n);
  for (let t = 1; t < n; t++) {
    const next = [0, 0, 0, 0];
    for (let y = 0; y < 4; y++) {
      const em = emit[y * SIZE + text.charCodeAt(t) - FIRST];
      const [a, b] = PREVIOUS[y];
      const scoreA = scores[a] + trans[a * 4 + y] + em;
      const scoreB = scores[b] + trans[b * 4 + y] + em;
      // max over (score, state letter) tuples: on a tie the larger letter wins.
      const pickA = scoreA > scoreB || (scoreA === scoreB && STATES[a] > STATES[b]);
      next[y] = pickA ? scoreA : scoreB;
      back[t * 4 + y] = pickA ? a : b;
    }
    scores = next;
  }
  // max((V[-1][y], y) for y in 'ES'): S wins a tie.
  let state = scores[3] >= scores[2] ? 3 : 2;
  const path = new Array<string>(n);
  for (let t = n - 1; t >= 0; t--) {
    path[t] = STATES[state];
    state = back[t * 4 + state];
  }
  return path;
}

/** Python's `finalseg.__cut`: words from the Viterbi states (B opens, E closes, S stands alone). */
function cutHan(text: string, out: string[]): void {
  const states = viterbiStates(text);
  let begin = 0;
  let next = 0;
  for (let i = 0; i < text.length; i++) {
    const state = states[i];
    if (state === 'B') begin = i;
    else if (state === 'E') {
      out.push(text.slice(begin, i + 1));
      next = i + 1;
    } else if (state === 'S') {
      out.push(text[i]);
      next = i + 1;
    }
  }
  if (next < text.length) out.push(text.slice(next));
}

const HAN_RUN = /([\u4E00-\u9FD5]+)/;
const HAN_START = /^[\u4E00-\u9FD5]/;
const ALNUM_RUN = /([a-zA-Z0-9]+(?:\.[0-9]+)?%?)/;

/** Python's `finalseg.cut(sentence)`, appending the words to `out`. */
export function hmmCut(text: string, out: string[]): void {
  for (const block of text.split(HAN_RUN)) {
    if (HAN_START.test(block)) cutHan(block, out);
    else for (const piece of block.split(ALNUM_RUN)) if (piece.length > 0) out.push(piece);
  }
}
