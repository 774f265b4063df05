/**
 * SentencePiece BPE segmentation (bpe_model.cc semantics): start from characters (user-defined pieces
 * frozen), repeatedly merge the adjacent pair whose merged piece scores highest, leftmost first on ties.
 * A binary heap over candidate pairs and a linked list over symbols make it O(n log n); all buffers are
 * reused between calls.
 */

/** Vocabulary view the encoder needs. */
export interface BpeVocabulary {
  /** Merged symbol id of the pair and its priority (higher merges first), or undefined. */
  lookupMerge(left: number, right: number, out: { merged: number; score: number }): boolean;
  /** True for UNUSED pieces (merged, then resegmented into their parts). */
  isUnused(id: number): boolean;
}

/** Symbols that can never merge (unknown characters, merged-away slots) are negative. */
export const DEAD = -0x7fffffff;

export class BpeEncoder {
  private symbol = new Int32Array(64);
  private previous = new Int32Array(64);
  private next = new Int32Array(64);
  private heapScore = new Float64Array(256);
  private heapLeft = new Int32Array(256);
  private heapRight = new Int32Array(256);
  private heapLeftSymbol = new Int32Array(256);
  private heapRightSymbol = new Int32Array(256);
  private heapMerged = new Int32Array(256);
  private order = new Int32Array(256);
  private used = 0;
  private size = 0;
  private readonly found = { merged: 0, score: 0 };

  constructor(private readonly vocabulary: BpeVocabulary) {}

  /**
   * Merge `initial[0..count)` (symbol ids; negative = never merges; `frozen[i]` = user-defined) and append
   * the final symbols to `out`.
   */
  segment(initial: Int32Array, count: number, frozen: Uint8Array | undefined, out: number[]): void {
    if (count === 0) return;
    if (this.symbol.length < count) {
      const capacity = Math.max(count, this.symbol.length * 2);
      this.symbol = new Int32Array(capacity);
      this.previous = new Int32Array(capacity);
      this.next = new Int32Array(capacity);
    }
    const { symbol, previous, next } = this;
    for (let index = 0; index < count; index++) {
      symbol[index] = initial[index];
      previous[index] = index - 1;
      next[index] = index + 1;
    }
    next[count - 1] = -1;
    this.used = 0;
    this.size = 0;
    let reverseMerge: Map<number, [number, number]> | undefined;
    const consider = (left: number, right: number): void => {
      if (left < 0 || right < 0) return;
      const leftSymbol = symbol[left];
      const rightSymbol = symbol[right];
      if (leftSymbol < 0 || rightSymbol < 0) return;
      if (frozen !== undefined && (frozen[left] || frozen[right])) return;
      if (!this.vocabulary.lookupMerge(leftSymbol, rightSymbol, this.found)) return;
      const merged = this.found.merged;
      this.push(this.found.score, left, right, leftSymbol, rightSymbol, merged);
      if (this.vocabulary.isUnused(merged)) {
        reverseMerge ??= new Map();
        reverseMerge.set(merged, [leftSymbol, rightSymbol]);
      }
    };
    for (let index = 1; index < count; index++) consider(index - 1, index);

    while (this.size > 0) {
      const top = this.pop();
      const left = this.heapLeft[top];
      const right = this.heapRight[top];
      // Stale entry: one side was merged away or changed since the pair was queued.
      if (symbol[left] !== this.heapLeftSymbol[top] || symbol[right] !== this.heapRightSymbol[top]) continue;
      symbol[left] = this.heapMerged[top];
      const after = next[right];
      next[left] = after;
      if (after >= 0) previous[after] = left;
      symbol[right] = DEAD;
      consider(previous[left], left);
      consider(left, after);
    }

    for (let index = 0; index >= 0; index = next[index]) {
      if (reverseMerge === undefined) out.push(symbol[index]);
      else this.resegment(symbol[index], reverseMerge, out);
    }
  }

  /** Unused pieces are replaced by the two symbols they were merged from, recursively. */
  private resegment(id: number, reverseMerge: Map<number, [number, number]>, out: number[]): void {
    const parts = id >= 0 && this.vocabulary.isUnused(id) ? reverseMerge.get(id) : undefined;
    if (parts === undefined) {
      out.push(id);
      return;
    }
    this.resegment(parts[0], reverseMerge, out);
    this.resegment(parts[1], reverseMerge, out);
  }

  private before(a: number, b: number): boolean {
    const scoreA = this.heapScore[a];
    const scoreB = this.heapScore[b];
    return scoreA > scoreB || (scoreA === scoreB && this.heapLeft[a] < this.heapLeft[b]);
  }

  private grow(): void {
    const capacity = this.heapScore.length * 2;
    const widen = <T extends Float64Array | Int32Array>(array: T): T => {
      const bigger = new (array.constructor as new (size: number) => T)(capacity);
      bigger.set(array);
      return bigger;
    };
    this.heapScore = widen(this.heapScore);
    this.heapLeft = widen(this.heapLeft);
    this.heapRight = widen(this.heapRight);
    this.heapLeftSymbol = widen(this.heapLeftSymbol);
    this.heapRightSymbol = widen(this.heapRightSymbol);
    this.heapMerged = widen(this.heapMerged);
    this.order = widen(this.order);
  }

  private push(
    score: number,
    left: number,
    right: number,
    leftSymbol: number,
    rightSymbol: number,
    merged: number,
  ): void {
    if (this.used === this.heapScore.length) this.grow();
    const entry = this.used++;
    this.heapScore[entry] = score;
    this.heapLeft[entry] = left;
    this.heapRight[entry] = right;
    this.heapLeftSymbol[entry] = leftSymbol;
    this.heapRightSymbol[entry] = rightSymbol;
    this.heapMerged[entry] = merged;
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

  private pop(): number {
    const order = this.order;
    const top = order[0];
    const last = order[--this.size];
    const size = this.size;
    let position = 0;
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
