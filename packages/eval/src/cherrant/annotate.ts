import { pySplitWhitespace } from '../internal/python-text.js';
import {
  type AlignedSpan,
  type AlignmentBudget,
  alignmentOperations,
  DEFAULT_ALIGNMENT_BUDGET,
  forEachCheapestAlignment,
} from './alignment.js';
import { type CharToken, charTokens, toSimplified } from './char-tokens.js';
import { mergeAlignment } from './merger.js';
import type { CherrantResources } from './resources.js';

/**
 * The edits ChERRANT's `parallel_to_m2.py -g char` writes for one sentence pair, as the multiset that
 * `compare_m2_for_evaluation.py` builds: key `start end correction` → how many times it is listed (one per distinct
 * cheapest alignment that contains it). An unchanged sentence gives the single no-op key.
 */
export type EditCounts = Map<string, number>;

/** Key of the no-op edit. */
export const NOOP_EDIT = '-1 -1 -NONE-';

/** Remove every whitespace character (Python `"".join(s.split())`). */
export function squeeze(text: string): string {
  return pySplitWhitespace(text).join('');
}

/** Annotate a source sentence against one target (target converted to simplified first, as ChERRANT does). */
export function annotateEdits(
  source: string,
  target: string,
  resources: CherrantResources,
  budget: AlignmentBudget = DEFAULT_ALIGNMENT_BUDGET,
): EditCounts {
  const src = charTokens(squeeze(source));
  const tgt = charTokens(toSimplified(squeeze(target)));
  const counts = annotateTokens(src, tgt, resources, budget);
  // LawBench's ChERRANT re-annotates a sentence that timed out against the target "无".
  return (
    counts ??
    (annotateTokens(src, charTokens('无'), resources, { maxWork: Number.POSITIVE_INFINITY }) as EditCounts)
  );
}

function annotateTokens(
  src: CharToken[],
  tgt: CharToken[],
  resources: CherrantResources,
  budget: AlignmentBudget,
): EditCounts | undefined {
  const srcText = src.map((token) => token.text).join('');
  const tgtText = tgt.map((token) => token.text).join('');
  const counts: EditCounts = new Map();
  if (tgtText === '没有错误' || srcText === tgtText) {
    counts.set(NOOP_EDIT, 1);
    return counts;
  }
  if (tgtText === '无法标注') {
    counts.set('NA', 1);
    return counts;
  }
  const lists = distinctEditLists(src, tgt, resources, budget);
  if (!lists) return undefined;
  for (const edits of lists) {
    for (const [op, start, end, tgtStart, tgtEnd] of edits) {
      const correction =
        op[0] === 'D'
          ? '-NONE-'
          : tgt
              .slice(tgtStart, tgtEnd)
              .map((token) => token.text)
              .join('');
      const key = `${start} ${end} ${correction}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  if (counts.size === 0) counts.set(NOOP_EDIT, 1);
  return counts;
}

function distinctEditLists(
  src: CharToken[],
  tgt: CharToken[],
  resources: CherrantResources,
  budget: AlignmentBudget,
) {
  const { ops, work } = alignmentOperations(src, tgt, resources);
  const srcTexts = src.map((token) => token.text);
  const tgtTexts = tgt.map((token) => token.text);
  const seen = new Set<string>();
  const merged = new Set<string>();
  const lists: ReturnType<typeof mergeAlignment>[] = [];
  const complete = forEachCheapestAlignment(
    ops,
    (alignment) => {
      // Alignments with the same merge key merge to the same edits: merge each key once.
      const key = mergeKey(alignment);
      if (merged.has(key)) return;
      merged.add(key);
      const edits = mergeAlignment(alignment, srcTexts, tgtTexts);
      const editsKey = JSON.stringify(edits);
      if (seen.has(editsKey)) return;
      seen.add(editsKey);
      lists.push(edits);
    },
    budget,
    work,
  );
  return complete.complete ? lists : undefined;
}

/**
 * What ChERRANT's merger output depends on: runs of M collapse to their span, each T stays, and each run of other
 * operations collapses to its span and operation set — except a run of only D and I, which the merger keeps as is.
 */
export function mergeKey(alignment: AlignedSpan[]): string {
  const parts: string[] = [];
  let index = 0;
  while (index < alignment.length) {
    const first = alignment[index][0][0];
    if (first === 'T') {
      parts.push(alignment[index].join(','));
      index += 1;
      continue;
    }
    let end = index;
    const isM = first === 'M';
    let hasS = false;
    let hasD = false;
    let hasI = false;
    while (end < alignment.length) {
      const op = alignment[end][0][0];
      if (isM ? op !== 'M' : op === 'M' || op === 'T') break;
      if (op === 'S') hasS = true;
      else if (op === 'D') hasD = true;
      else if (op === 'I') hasI = true;
      end += 1;
    }
    const head = alignment[index];
    const tail = alignment[end - 1];
    if (!isM && !hasS && hasD && hasI) {
      for (let k = index; k < end; k++) parts.push(alignment[k].join(','));
    } else {
      const ops = isM
        ? 'M'
        : `${hasS ? 'S' : ''}${hasD ? 'D' : ''}${hasI ? 'I' : ''}${end - index === 1 ? '1' : ''}`;
      parts.push(`${ops},${head[1]},${tail[2]},${head[3]},${tail[4]}`);
    }
    index = end;
  }
  return parts.join(';');
}

/** True/false positives and false negatives of one hypothesis vs one reference (span-level correction). */
export function compareEdits(
  hypothesis: EditCounts,
  reference: EditCounts,
): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, count] of hypothesis) {
    if (key === NOOP_EDIT) continue;
    const inReference = reference.get(key);
    if (inReference !== undefined) tp += inReference;
    else fp += count;
  }
  for (const [key, count] of reference) {
    if (key === NOOP_EDIT) continue;
    if (!hypothesis.has(key)) fn += count;
  }
  return { tp, fp, fn };
}

/** ChERRANT's F-score rounded to 4 decimals: p = tp/(tp+fp) if fp else 1, r likewise. */
export function fScore(
  tp: number,
  fp: number,
  fn: number,
  beta = 0.5,
): { precision: number; recall: number; f: number } {
  const precision = fp ? tp / (tp + fp) : 1.0;
  const recall = fn ? tp / (tp + fn) : 1.0;
  const f =
    precision + recall ? ((1 + beta ** 2) * precision * recall) / (beta ** 2 * precision + recall) : 0.0;
  return { precision: round4(precision), recall: round4(recall), f: round4(f) };
}

function round4(value: number): number {
  return Number(value.toFixed(4));
}
