import type { BenchmarkItem } from './benchmark-items.js';
import { DataGenOptionError } from './errors.js';
import { normalizeText } from './text-normalize.js';

/**
 * The text n-grams are taken from: {@link normalizeText} with half-width punctuation, lower case, then only
 * letters, digits and CJK characters kept, so spacing, punctuation and full-width forms do not hide an overlap.
 */
export function contaminationText(text: string): string {
  return normalizeText(text, { halfwidthPunctuation: true })
    .toLowerCase()
    .replace(/[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g, '');
}

// FNV-1a over `length` UTF-16 units, as an unsigned 32-bit number.
function gramHash(text: string, start: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < start + length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function distinctGrams(text: string, n: number): number[] {
  const grams = new Set<number>();
  for (let start = 0; start + n <= text.length; start++) grams.add(gramHash(text, start, n));
  return [...grams];
}

const ITEM_BITS = 2 ** 21;

/** Sorted hashes of every n-gram of the texts. */
function ignoredGrams(texts: Iterable<string>, n: number): Uint32Array {
  const hashes: number[] = [];
  for (const text of texts) {
    const clean = contaminationText(text);
    for (let start = 0; start + n <= clean.length; start++) hashes.push(gramHash(clean, start, n));
  }
  return Uint32Array.from(hashes).sort();
}

function contains(sorted: Uint32Array, value: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low] === value;
}

/** Options of {@link createContaminationIndex}. */
export interface CreateContaminationIndexOptions {
  items: BenchmarkItem[];
  /** Characters per n-gram, after {@link contaminationText}. Default 13. */
  ngram?: number;
  /** An n-gram found in more benchmark items than this is boilerplate (a case-text formula) and ignored. Default 20. */
  maxItemsPerNgram?: number;
  /**
   * Public text whose n-grams are no evidence of contamination, e.g. every statute article: LawBench 3-5
   * questions quote the 刑法 article, which statute-derived training data holds by design. Their n-grams are
   * removed from the benchmark items before coverage is computed.
   */
  ignore?: Iterable<string>;
}

/** Benchmark n-grams, searchable by the text of a training record. */
export interface ContaminationIndex {
  readonly ngram: number;
  readonly items: BenchmarkItem[];
  /** Informative n-grams per item (0 for items too short to check, which are listed in `skipped`). */
  readonly gramCounts: Int32Array;
  /** Items with no informative n-gram (shorter than `ngram` characters, or all boilerplate). */
  readonly skipped: BenchmarkItem[];
  /** For each item sharing n-grams with `text`: its index and the number of distinct shared n-grams. */
  shared(text: string): Map<number, number>;
}

/**
 * Index the benchmark items' character n-grams (32-bit FNV-1a hashes, sorted; an item's grams counted once).
 * Up to 2,097,152 items.
 */
export function createContaminationIndex(options: CreateContaminationIndexOptions): ContaminationIndex {
  const { items, ngram = 13, maxItemsPerNgram = 20, ignore = [] } = options;
  if (!(Number.isInteger(ngram) && ngram >= 5))
    throw new DataGenOptionError({ field: 'ngram', expected: 'an integer ≥ 5', actual: ngram });
  if (items.length >= ITEM_BITS)
    throw new DataGenOptionError({
      field: 'items',
      expected: `fewer than ${ITEM_BITS} items`,
      actual: items.length,
    });
  // Step 1: (hash, item) pairs packed into exact doubles and sorted.
  const perItem = items.map((item) => distinctGrams(contaminationText(item.text), ngram));
  const keys = new Float64Array(perItem.reduce((sum, grams) => sum + grams.length, 0));
  let position = 0;
  perItem.forEach((grams, item) => {
    for (const gram of grams) keys[position++] = gram * ITEM_BITS + item;
  });
  keys.sort();
  // Step 2: boilerplate grams (in too many items, or in the ignored text) are dropped; each item's informative grams counted.
  const ignored = ignoredGrams(ignore, ngram);
  const gramCounts = new Int32Array(items.length);
  let kept = 0;
  for (let start = 0; start < keys.length; ) {
    const gram = Math.floor(keys[start] / ITEM_BITS);
    let end = start;
    while (end < keys.length && Math.floor(keys[end] / ITEM_BITS) === gram) end++;
    if (end - start <= maxItemsPerNgram && !contains(ignored, gram)) {
      for (let index = start; index < end; index++) {
        gramCounts[keys[index] % ITEM_BITS]++;
        keys[kept++] = keys[index];
      }
    }
    start = end;
  }
  const table = keys.subarray(0, kept);
  const lowerBound = (value: number) => {
    let low = 0;
    let high = table.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (table[middle] < value) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    ngram,
    items,
    gramCounts,
    skipped: items.filter((_, index) => gramCounts[index] === 0),
    shared(text) {
      const counts = new Map<number, number>();
      for (const gram of distinctGrams(contaminationText(text), ngram)) {
        const base = gram * ITEM_BITS;
        for (let index = lowerBound(base); index < table.length && table[index] < base + ITEM_BITS; index++) {
          const item = table[index] % ITEM_BITS;
          counts.set(item, (counts.get(item) ?? 0) + 1);
        }
      }
      return counts;
    },
  };
}
