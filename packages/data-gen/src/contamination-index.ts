import type { BenchmarkItem } from './benchmark-items.js';
import { DataGenOptionError } from './errors.js';
import { createMinHasher, MinHashIndex } from './minhash.js';
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

const WIDE = 2 ** 20;

// The 32-bit hash with 20 more bits of a second hash: 52 bits, so millions of statute n-grams rarely collide with
// a benchmark or record n-gram (at 32 bits, 10 million of them would hit 0.2% of all n-grams).
function wideGramHash(text: string, start: number, length: number): number {
  let hash = 0x9747b28c;
  for (let index = start; index < start + length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x5bd1e995) ^ (hash >>> 15);
  return gramHash(text, start, length) * WIDE + ((hash >>> 0) % WIDE);
}

/** Sorted wide hashes of every n-gram of the texts. */
function ignoredGrams(texts: Iterable<string>, n: number): Float64Array {
  const hashes: number[] = [];
  for (const text of texts) {
    const clean = contaminationText(text);
    for (let start = 0; start + n <= clean.length; start++) hashes.push(wideGramHash(clean, start, n));
  }
  return Float64Array.from(hashes).sort();
}

/** Whether the sorted array holds a value in [from, to). */
function holds(sorted: Float64Array | Uint32Array, from: number, to: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < from) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low] < to;
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
  /**
   * Second detector: estimated Jaccard similarity (MinHash of 5-character shingles, 128 permutations, the corpus
   * builder's) from which a record field is a near duplicate of an item, catching edits that leave no 13-gram
   * whole (names, numbers, words swapped every few characters). Default 0.3, measured (README); `false` turns it off.
   */
  nearDuplicateThreshold?: number | false;
  /**
   * Texts (items and queried fields) shorter than this once cleaned ({@link contaminationText}) and cut of public and
   * boilerplate n-grams are left to the n-gram detector. Default 40.
   */
  nearDuplicateMinChars?: number;
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
  /** The MinHash threshold, or false when the near-duplicate detector is off. */
  readonly nearDuplicateThreshold: number | false;
  /** Items the near-duplicate detector leaves to the n-gram one: under `nearDuplicateMinChars` once masked. */
  readonly nearDuplicateSkipped: BenchmarkItem[];
  /** For each item `text` is a near duplicate of: its index and the estimated Jaccard similarity (≥ the threshold). */
  similar(text: string): Map<number, number>;
}

/** N-grams that are no evidence: of public text (sorted wide hashes) and boilerplate (sorted 32-bit hashes). */
interface Masked {
  ignored: Float64Array;
  boilerplate: Uint32Array;
}

/** `clean` without the characters of its masked n-grams. */
function informativeText(clean: string, ngram: number, masked: Masked): string {
  if (masked.ignored.length + masked.boilerplate.length === 0) return clean;
  const covered = new Uint8Array(clean.length);
  for (let start = 0; start + ngram <= clean.length; start++) {
    const wide = wideGramHash(clean, start, ngram);
    const gram = Math.floor(wide / WIDE);
    if (holds(masked.ignored, wide, wide + 1) || holds(masked.boilerplate, gram, gram + 1))
      covered.fill(1, start, start + ngram);
  }
  let kept = '';
  for (let index = 0; index < clean.length; index++) if (!covered[index]) kept += clean[index];
  return kept;
}

/**
 * MinHash search over the items' informative text (public and boilerplate n-grams cut out of items and queries
 * alike, so a statute a question quotes makes neither side similar); texts shorter than `minChars` are skipped.
 */
function nearDuplicateSearch(
  items: BenchmarkItem[],
  ngram: number,
  masked: Masked,
  threshold: number | false,
  minChars: number,
): { skipped: BenchmarkItem[]; similar: (text: string) => Map<number, number> } {
  if (threshold === false) return { skipped: [], similar: () => new Map() };
  if (!(threshold > 0 && threshold <= 1))
    throw new DataGenOptionError({
      field: 'nearDuplicateThreshold',
      expected: 'a number in (0, 1], or false',
      actual: threshold,
    });
  const hasher = createMinHasher();
  // 42 bands of 3 rows (126 of the 128 hashes): a pair at similarity 0.3 is proposed with probability 0.68, at 0.4
  // with 0.94, at 0.1 with 0.04 (32 × 4, the corpus builder's banding for 0.8, would give 0.23 and 0.56)
  const index = new MinHashIndex(threshold, hasher.permutations, 42);
  const ids: number[] = [];
  const skipped: BenchmarkItem[] = [];
  items.forEach((item, position) => {
    const kept = informativeText(contaminationText(item.text), ngram, masked);
    if (kept.length < minChars) skipped.push(item);
    else ids[index.insert(hasher.signature(kept))] = position;
  });
  const similar = (text: string) => {
    const kept = informativeText(contaminationText(text), ngram, masked);
    const found = new Map<number, number>();
    if (kept.length < minChars) return found;
    for (const { id, similarity } of index.similar(hasher.signature(kept))) found.set(ids[id], similarity);
    return found;
  };
  return { skipped, similar };
}

/**
 * Index the benchmark items' character n-grams (32-bit FNV-1a hashes, sorted; an item's grams counted once).
 * Up to 2,097,152 items.
 */
export function createContaminationIndex(options: CreateContaminationIndexOptions): ContaminationIndex {
  const {
    items,
    ngram = 13,
    maxItemsPerNgram = 20,
    ignore = [],
    nearDuplicateThreshold = 0.3,
    nearDuplicateMinChars = 40,
  } = options;
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
  const boilerplate: number[] = [];
  let kept = 0;
  for (let start = 0; start < keys.length; ) {
    const gram = Math.floor(keys[start] / ITEM_BITS);
    let end = start;
    while (end < keys.length && Math.floor(keys[end] / ITEM_BITS) === gram) end++;
    if (end - start <= maxItemsPerNgram && !holds(ignored, gram * WIDE, (gram + 1) * WIDE)) {
      for (let index = start; index < end; index++) {
        gramCounts[keys[index] % ITEM_BITS]++;
        keys[kept++] = keys[index];
      }
    } else if (end - start > maxItemsPerNgram) boilerplate.push(gram);
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
  const masked = { ignored, boilerplate: Uint32Array.from(boilerplate) }; // found in sorted order
  const near = nearDuplicateSearch(items, ngram, masked, nearDuplicateThreshold, nearDuplicateMinChars);
  return {
    ngram,
    items,
    gramCounts,
    skipped: items.filter((_, index) => gramCounts[index] === 0),
    nearDuplicateThreshold,
    nearDuplicateSkipped: near.skipped,
    similar: near.similar,
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
