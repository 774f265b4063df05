import type { AlignedSpan } from './alignment.js';

const MERGE_PUNCT =
  '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' +
  "！？｡＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟–—‘'‛“”„‟…‧.";

function mergeSpans(seq: AlignedSpan[], tag: string): AlignedSpan[] {
  if (seq.length === 0) return seq;
  return [[tag, seq[0][1], seq[seq.length - 1][2], seq[0][3], seq[seq.length - 1][4]]];
}

function processGroup(seq: AlignedSpan[]): AlignedSpan[] {
  if (seq.length <= 1) return seq;
  const ops = new Set(seq.map((span) => span[0]));
  if (ops.size === 1 && (ops.has('D') || ops.has('I'))) return mergeSpans(seq, [...ops][0]);
  if (ops.size === 2 && ops.has('D') && ops.has('I')) return seq;
  if (ops.size === 1 && ops.has('S')) return mergeSpans(seq, 'S');
  if (ops.size === 1 && ops.has('M')) return mergeSpans(seq, 'M');
  return mergeSpans(seq, 'S');
}

/** Levenshtein distance over code points. */
export function levenshtein(first: string, second: string): number {
  const a = Array.from(first);
  const b = Array.from(second);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

const len = (text: string) => Array.from(text).length;

/** Group consecutive spans like ChERRANT: runs of M, runs of T, runs of anything else. */
function groupSpans(alignment: AlignedSpan[]): AlignedSpan[] {
  const edits: AlignedSpan[] = [];
  let index = 0;
  while (index < alignment.length) {
    const key = groupKey(alignment[index]);
    let end = index;
    while (end < alignment.length && groupKey(alignment[end]) === key) end += 1;
    const group = alignment.slice(index, end);
    if (key === 'T') edits.push(...group);
    else edits.push(...processGroup(group));
    index = end;
  }
  return edits;
}

function groupKey(span: AlignedSpan): string {
  const first = span[0][0];
  return first === 'M' || first === 'T' ? first : '';
}

/**
 * ChERRANT's merger at char level: turn a token alignment into span edits (merging runs, recognising
 * word-order swaps, dropping matches and no-op spans).
 */
export function mergeAlignment(alignment: AlignedSpan[], src: string[], tgt: string[]): AlignedSpan[] {
  const edits = groupSpans(alignment);
  const srcText = (span: AlignedSpan) => src.slice(span[1], span[2]).join('');
  const tgtText = (span: AlignedSpan) => tgt.slice(span[3], span[4]).join('');
  const filtered: AlignedSpan[] = [];
  let i = 0;
  while (i < edits.length) {
    const e1 = edits[i][0][0];
    if (i < edits.length - 2) {
      const e2 = edits[i + 1][0][0];
      const e3 = edits[i + 2][0][0];
      const swapAt = () => mergeSpans(edits.slice(i, i + 3), `T${edits[i + 2][2] - edits[i][1]}`);
      if (e1 === 'S' && e2 === 'M' && e3 === 'S') {
        const w1 = srcText(edits[i]);
        const w2 = tgtText(edits[i]);
        const w3 = srcText(edits[i + 2]);
        const w4 = tgtText(edits[i + 2]);
        const swapped =
          Math.min(len(w1), len(w2), len(w3), len(w4)) === 1
            ? w1 === w4 && w2 === w3
            : levenshtein(w1, w4) <= 1 && levenshtein(w2, w3) <= 1;
        if (swapped) {
          filtered.push(...swapAt());
          i += 3;
        } else {
          filtered.push(edits[i]);
          i += 1;
        }
        continue;
      }
      if (
        (e1 === 'D' && (e2 === 'M' || e2 === 'T') && e3 === 'I') ||
        (e1 === 'I' && (e2 === 'M' || e2 === 'T') && e3 === 'D')
      ) {
        let a = e1 === 'D' ? srcText(edits[i]) : srcText(edits[i + 2]);
        let b = e1 === 'D' ? tgtText(edits[i + 2]) : tgtText(edits[i]);
        if (len(a) < len(b)) [a, b] = [b, a];
        let swapped = false;
        if (!MERGE_PUNCT.includes(a) && !MERGE_PUNCT.includes(b) && len(a) - len(b) <= 1) {
          swapped =
            len(b) === 1 ? a === b : levenshtein(a, b) <= 1 || (len(a) === len(b) && (a + a).includes(b));
        }
        if (swapped) {
          filtered.push(...swapAt());
          i += 3;
        } else {
          filtered.push(edits[i]);
          i += 1;
        }
        continue;
      }
    }
    if (e1 !== 'M') filtered.push(edits[i]);
    i += 1;
  }
  return filtered.flatMap((edit) => trimEdit(edit, src, tgt, srcText(edit), tgtText(edit)));
}

/** ChERRANT's second filter: drop spans whose two sides are equal; trim shared heads/tails of S spans. */
function trimEdit(
  edit: AlignedSpan,
  src: string[],
  tgt: string[],
  span1: string,
  span2: string,
): AlignedSpan[] {
  if (span1 === span2) return [];
  if (edit[0] !== 'S') return [edit];
  let changed = false;
  let common = '';
  let tmpStart1 = edit[1];
  for (let i = edit[1]; i < edit[2]; i++) {
    if (!span2.startsWith(common + src[i])) break;
    common += src[i];
    tmpStart1 = i + 1;
  }
  let newStart1 = edit[1];
  let newStart2 = edit[3];
  if (common) {
    let text = '';
    for (let i = edit[3]; i < edit[4]; i++) {
      text += tgt[i];
      if (text === common) {
        newStart1 = tmpStart1;
        newStart2 = i + 1;
        changed = true;
        break;
      }
      if (len(text) > len(common)) break;
    }
  }
  common = '';
  let newEnd1 = edit[2];
  let newEnd2 = edit[4];
  let tmpEnd1 = edit[2];
  for (let i = edit[2] - 1; i >= newStart1; i--) {
    if (!span2.endsWith(src[i] + common)) break;
    common = src[i] + common;
    tmpEnd1 = i;
  }
  if (common) {
    let text = '';
    for (let i = edit[4] - 1; i >= newStart2; i--) {
      text = tgt[i] + text;
      if (text === common) {
        newEnd1 = tmpEnd1;
        newEnd2 = i;
        changed = true;
        break;
      }
      if (len(text) > len(common)) break;
    }
  }
  if (!changed) return [edit];
  if (newStart1 === newEnd1) return [['I', newStart1, newEnd1, newStart2, newEnd2]];
  if (newStart2 === newEnd2) return [['D', newStart1, newEnd1, newStart2, newEnd2]];
  return [['S', newStart1, newEnd1, newStart2, newEnd2]];
}
