/** Open-addressing hash map from a pair of non-negative int32 ids to an int32 value (merged id) and a rank. */
export class PairTable {
  private lefts: Int32Array;
  private rights: Int32Array;
  private values: Int32Array;
  private ranks: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.lefts = new Int32Array(capacity).fill(-1);
    this.rights = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.ranks = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  private slot(left: number, right: number): number {
    return (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca6b)) & this.mask;
  }

  /** Insert unless present; returns false when the pair already had a value. */
  set(left: number, right: number, value: number, rank = 0): boolean {
    if ((this.size + 1) * 2 > this.lefts.length) this.grow();
    let slot = this.slot(left, right);
    while (this.lefts[slot] !== -1) {
      if (this.lefts[slot] === left && this.rights[slot] === right) return false;
      slot = (slot + 1) & this.mask;
    }
    this.lefts[slot] = left;
    this.rights[slot] = right;
    this.values[slot] = value;
    this.ranks[slot] = rank;
    this.size++;
    return true;
  }

  /** Slot index of the pair, or -1. */
  find(left: number, right: number): number {
    let slot = this.slot(left, right);
    for (;;) {
      const stored = this.lefts[slot];
      if (stored === -1) return -1;
      if (stored === left && this.rights[slot] === right) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  valueAt(slot: number): number {
    return this.values[slot];
  }

  rankAt(slot: number): number {
    return this.ranks[slot];
  }

  /** Every stored pair with its value and rank (slot order). */
  entries(): Array<{ left: number; right: number; value: number; rank: number }> {
    const out: Array<{ left: number; right: number; value: number; rank: number }> = [];
    for (let slot = 0; slot < this.lefts.length; slot++) {
      if (this.lefts[slot] === -1) continue;
      out.push({
        left: this.lefts[slot],
        right: this.rights[slot],
        value: this.values[slot],
        rank: this.ranks[slot],
      });
    }
    return out;
  }

  private grow(): void {
    const { lefts, rights, values, ranks } = this;
    const capacity = lefts.length * 2;
    this.lefts = new Int32Array(capacity).fill(-1);
    this.rights = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.ranks = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let slot = 0; slot < lefts.length; slot++) {
      if (lefts[slot] !== -1) this.set(lefts[slot], rights[slot], values[slot], ranks[slot]);
    }
  }
}
