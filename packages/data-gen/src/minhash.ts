/** Options of {@link createMinHasher}. */
export interface MinHashOptions {
  /** Number of hash functions (signature length). Default 128. */
  permutations?: number;
  /** Characters per shingle. Default 5 (Chinese text is shingled by characters, not words). */
  shingleSize?: number;
  /** Seed of the hash functions. Default 1. */
  seed?: number;
}

/** MinHash signatures over character shingles. */
export interface MinHasher {
  readonly permutations: number;
  signature(text: string): Uint32Array;
}

function fnv1a(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// A 32-bit avalanche mix (murmur3 finaliser): one "permutation" per seed.
function mix(value: number): number {
  let x = value;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Create a MinHasher; same options → same signatures. */
export function createMinHasher(options: MinHashOptions = {}): MinHasher {
  const { permutations = 128, shingleSize = 5, seed = 1 } = options;
  // Hash function i: x ↦ (a_i·x + b_i) mod 2^32 with odd a_i, then an xor-shift folding the high bits down.
  const multipliers = new Uint32Array(permutations);
  const offsets = new Uint32Array(permutations);
  for (let index = 0; index < permutations; index++) {
    multipliers[index] = mix(seed * 0x9e3779b1 + index * 0x7f4a7c15) | 1;
    offsets[index] = mix(seed * 0x85ebca6b + index * 0x27d4eb2f + 1);
  }
  return {
    permutations,
    signature(text: string): Uint32Array {
      const signature = new Uint32Array(permutations).fill(0xffffffff);
      const last = Math.max(1, text.length - shingleSize + 1);
      const seen = new Set<number>();
      for (let start = 0; start < last; start++) {
        const shingle = mix(fnv1a(text, start, Math.min(text.length, start + shingleSize)));
        if (seen.has(shingle)) continue;
        seen.add(shingle);
        for (let index = 0; index < permutations; index++) {
          const value = (Math.imul(multipliers[index], shingle) + offsets[index]) >>> 0;
          const folded = (value ^ (value >>> 16)) >>> 0;
          if (folded < signature[index]) signature[index] = folded;
        }
      }
      return signature;
    },
  };
}

/** Estimated Jaccard similarity: the fraction of equal signature slots. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let index = 0; index < a.length; index++) if (a[index] === b[index]) equal++;
  return equal / a.length;
}

/** Exact Jaccard similarity of two texts' character shingle sets (for tests and verification). */
export function shingleJaccard(a: string, b: string, shingleSize = 5): number {
  const shingles = (text: string) => {
    const set = new Set<string>();
    for (let start = 0; start < Math.max(1, text.length - shingleSize + 1); start++)
      set.add(text.slice(start, start + shingleSize));
    return set;
  };
  const left = shingles(a);
  const right = shingles(b);
  let common = 0;
  for (const item of left) if (right.has(item)) common++;
  return common / (left.size + right.size - common);
}

/**
 * Locality-sensitive index of MinHash signatures (bands × rows). `add` returns the id of an earlier
 * signature whose estimated Jaccard is ≥ threshold, or undefined (and then stores this one).
 */
export class MinHashIndex {
  private readonly buckets: Map<string, number[]>[];
  private readonly signatures: Uint32Array[] = [];
  private readonly rows: number;

  constructor(
    readonly threshold: number,
    readonly permutations = 128,
    bands = 32,
  ) {
    this.rows = Math.floor(permutations / bands);
    this.buckets = Array.from({ length: bands }, () => new Map<string, number[]>());
  }

  /** Near-duplicate id or undefined; a new signature is stored only when it is not a near duplicate. */
  add(signature: Uint32Array): number | undefined {
    const keys = this.bandKeys(signature);
    const found = this.candidates(keys).find(
      (candidate) => estimateJaccard(signature, this.signatures[candidate]) >= this.threshold,
    );
    if (found !== undefined) return found;
    this.store(signature, keys);
    return undefined;
  }

  /** Store a signature even when it is a near duplicate of a stored one; returns its id (0, 1, … in order). */
  insert(signature: Uint32Array): number {
    return this.store(signature, this.bandKeys(signature));
  }

  /** Every stored signature whose estimated Jaccard with `signature` is ≥ threshold (nothing is stored). */
  similar(signature: Uint32Array): { id: number; similarity: number }[] {
    const found: { id: number; similarity: number }[] = [];
    for (const id of this.candidates(this.bandKeys(signature))) {
      const similarity = estimateJaccard(signature, this.signatures[id]);
      if (similarity >= this.threshold) found.push({ id, similarity });
    }
    return found;
  }

  private store(signature: Uint32Array, keys: string[]): number {
    const id = this.signatures.length;
    this.signatures.push(signature);
    keys.forEach((key, band) => {
      const list = this.buckets[band].get(key);
      if (list) list.push(id);
      else this.buckets[band].set(key, [id]);
    });
    return id;
  }

  private bandKeys(signature: Uint32Array): string[] {
    return this.buckets.map((_, band) =>
      signature.subarray(band * this.rows, (band + 1) * this.rows).join(','),
    );
  }

  // Stored ids sharing at least one band with the keys, each once, in the order first met.
  private candidates(keys: string[]): number[] {
    const seen = new Set<number>();
    for (let band = 0; band < keys.length; band++)
      for (const candidate of this.buckets[band].get(keys[band]) ?? []) seen.add(candidate);
    return [...seen];
  }
}
