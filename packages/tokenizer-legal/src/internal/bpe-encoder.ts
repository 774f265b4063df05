/**
 * SentencePiece BPE segmentation (bpe_model.cc semantics): start from characters (user-defined
 * pieces frozen), repeatedly merge the adjacent pair whose concatenation is the highest-scoring piece,
 * leftmost first on ties. A binary heap over candidate pairs and a linked list over symbols make it
 * O(n log n).
 */

/** Vocabulary view the encoder needs. */
export interface BpeVocabulary {
  /** Symbol id of a single character (pieces_ id, or an extra id ≥ vocab size), or -1. */
  charSymbol(char: string): number;
  /** Merged symbol id of the pair, or -1. */
  mergeOf(left: number, right: number): number;
  /** Priority of merging the pair into `merged` (higher merges first). */
  mergeScore(left: number, right: number, merged: number): number;
  /** True for UNUSED pieces (merged, then resegmented into their parts). */
  isUnused(id: number): boolean;
  /** UTF-16 length of a symbol's string. */
  symbolLength(id: number): number;
}

/** One output segment: `[start, end)` in the normalized string and its symbol id (-1: no piece). */
export interface Segment {
  start: number;
  end: number;
  symbol: number;
}

/**
 * Segment `normalized` (already split into initial `chars`, with `frozen` marking user-defined pieces).
 * Returns symbols in order; ids ≥ vocab size or -1 mean "look the surface up".
 */
export function bpeSegment(chars: string[], frozen: Uint8Array, vocabulary: BpeVocabulary): Segment[] {
  const count = chars.length;
  const symbol = new Int32Array(count);
  const start = new Int32Array(count);
  const end = new Int32Array(count);
  const previous = new Int32Array(count);
  const next = new Int32Array(count);
  let offset = 0;
  for (let index = 0; index < count; index++) {
    symbol[index] = frozen[index] ? -1 : vocabulary.charSymbol(chars[index]);
    start[index] = offset;
    offset += chars[index].length;
    end[index] = offset;
    previous[index] = index - 1;
    next[index] = index + 1 < count ? index + 1 : -1;
  }
  const heap = new PairHeap(Math.max(4, count * 3));
  const reverseMerge = new Map<number, [number, number]>();
  const consider = (left: number, right: number): void => {
    if (left < 0 || right < 0 || frozen[left] || frozen[right]) return;
    const leftSymbol = symbol[left];
    const rightSymbol = symbol[right];
    if (leftSymbol < 0 || rightSymbol < 0) return;
    const merged = vocabulary.mergeOf(leftSymbol, rightSymbol);
    if (merged < 0) return;
    heap.push(vocabulary.mergeScore(leftSymbol, rightSymbol, merged), left, right, leftSymbol, rightSymbol, merged);
    if (vocabulary.isUnused(merged)) reverseMerge.set(merged, [leftSymbol, rightSymbol]);
  };
  for (let index = 1; index < count; index++) consider(index - 1, index);

  while (heap.size > 0) {
    const top = heap.pop();
    const left = heap.left[top];
    const right = heap.right[top];
    // Stale entry: one side was merged away or changed since the pair was queued.
    if (symbol[left] !== heap.leftSymbol[top] || symbol[right] !== heap.rightSymbol[top]) continue;
    if (end[left] === start[left] || end[right] === start[right]) continue;
    symbol[left] = heap.merged[top];
    end[left] = end[right];
    next[left] = next[right];
    if (next[right] >= 0) previous[next[right]] = left;
    start[right] = end[right];
    symbol[right] = -2;
    consider(previous[left], left);
    consider(left, next[left]);
  }

  const segments: Segment[] = [];
  const emit = (id: number, from: number, to: number): void => {
    const parts = id >= 0 && vocabulary.isUnused(id) ? reverseMerge.get(id) : undefined;
    if (parts === undefined) {
      segments.push({ start: from, end: to, symbol: id });
      return;
    }
    // Unused piece: resegment into the two symbols it was merged from.
    const split = from + vocabulary.symbolLength(parts[0]);
    emit(parts[0], from, split);
    emit(parts[1], split, to);
  };
  for (let index = count > 0 ? 0 : -1; index >= 0; index = next[index]) {
    emit(symbol[index], start[index], end[index]);
  }
  return segments;
}

/** Max-heap of candidate pairs ordered by score (higher first), then left position (smaller first). */
class PairHeap {
  score: Float64Array;
  left: Int32Array;
  right: Int32Array;
  leftSymbol: Int32Array;
  rightSymbol: Int32Array;
  merged: Int32Array;
  private order: Int32Array;
  private used = 0;
  size = 0;

  constructor(capacity: number) {
    this.score = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.leftSymbol = new Int32Array(capacity);
    this.rightSymbol = new Int32Array(capacity);
    this.merged = new Int32Array(capacity);
    this.order = new Int32Array(capacity);
  }

  private grow(): void {
    const capacity = this.score.length * 2;
    const widen = <T extends Float64Array | Int32Array>(array: T): T => {
      const bigger = new (array.constructor as new (size: number) => T)(capacity);
      bigger.set(array);
      return bigger;
    };
    this.score = widen(this.score);
    this.left = widen(this.left);
    this.right = widen(this.right);
    this.leftSymbol = widen(this.leftSymbol);
    this.rightSymbol = widen(this.rightSymbol);
    this.merged = widen(this.merged);
    this.order = widen(this.order);
  }

  private before(a: number, b: number): boolean {
    const scoreA = this.score[a];
    const scoreB = this.score[b];
    return scoreA > scoreB || (scoreA === scoreB && this.left[a] < this.left[b]);
  }

  push(score: number, left: number, right: number, leftSymbol: number, rightSymbol: number, merged: number): void {
    if (this.used === this.score.length) this.grow();
    const entry = this.used++;
    this.score[entry] = score;
    this.left[entry] = left;
    this.right[entry] = right;
    this.leftSymbol[entry] = leftSymbol;
    this.rightSymbol[entry] = rightSymbol;
    this.merged[entry] = merged;
    const order = this.order;
    let position = this.size++;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.before(entry, order[parent])) break;
      order[position] = order[parent];
      position = parent;
    }
    order[position] = entry;
  }

  pop(): number {
    const order = this.order;
    const top = order[0];
    const last = order[--this.size];
    let position = 0;
    const size = this.size;
    for (;;) {
      let child = 2 * position + 1;
      if (child >= size) break;
      if (child + 1 < size && this.before(order[child + 1], order[child])) child++;
      if (!this.before(order[child], last)) break;
      order[position] = order[child];
      position = child;
    }
    order[position] = last;
    return top;
  }
}
