import type { BenchmarkItem } from './benchmark-items.js';
import { type ContaminationIndex, createContaminationIndex } from './contamination-index.js';
import { DataGenAbortError, DataGenOptionError } from './errors.js';
import type { InstructionRecord } from './instruction-record.js';

/** What found an overlap: shared character n-grams, or MinHash near-duplicate similarity. */
export type ContaminationDetector = 'ngram' | 'minhash';

/** One benchmark item a record overlaps. */
export interface ContaminationMatch {
  itemId: string;
  task: string;
  /** The detectors that flagged this pair (one or both). */
  detectors: ContaminationDetector[];
  /** Distinct n-grams the record shares with the item. */
  sharedNgrams: number;
  /** `sharedNgrams` over the item's informative n-grams. */
  coverage: number;
  /** Estimated Jaccard similarity of the closest record field to the item; 0 below the MinHash threshold. */
  similarity: number;
}

/** A training record flagged as overlapping the benchmarks. */
export interface FlaggedRecord {
  /** Position in the `records` given. */
  index: number;
  record: InstructionRecord;
  /** Items it overlaps, most covered first. */
  matches: ContaminationMatch[];
  /** The detectors behind its matches. */
  detectors: ContaminationDetector[];
}

/** Overlaps of one benchmark task. */
export interface TaskOverlap {
  /** Benchmark items of the task, and how many of them some record overlaps. */
  items: number;
  overlappedItems: number;
  flaggedRecords: number;
  /** Flagged records per detector (a record both flag counts in both). */
  byDetector: Record<ContaminationDetector, number>;
  /** Up to 3 examples: the record's position, the item, how it was found, and the start of the record's instruction. */
  examples: {
    recordIndex: number;
    itemId: string;
    detectors: ContaminationDetector[];
    coverage: number;
    similarity: number;
    instruction: string;
  }[];
}

/** What {@link decontaminate} found. */
export interface DecontaminationReport {
  /** Records not flagged, in input order. */
  clean: InstructionRecord[];
  flagged: FlaggedRecord[];
  /** Per benchmark task (only tasks with items). */
  tasks: Record<string, TaskOverlap>;
  /** Benchmark items that could not be checked (too short); their ids. */
  skippedItems: string[];
  /** Items too short for the MinHash detector (still checked by n-grams). */
  nearDuplicateSkippedItems: number;
  ngram: number;
  /** MinHash similarity from which a record is flagged, or false when that detector is off. */
  nearDuplicateThreshold: number | false;
  minCoverage: number;
  minSharedNgrams: number;
  elapsedMs: number;
}

/** Options of {@link decontaminate}. */
export interface DecontaminateOptions {
  records: InstructionRecord[];
  /** Benchmark items, or an index built from them with {@link createContaminationIndex} (reusable across calls). */
  items?: BenchmarkItem[];
  index?: ContaminationIndex;
  /** n-gram length when `items` are given. Default 13. */
  ngram?: number;
  /** MinHash threshold when `items` are given (see {@link createContaminationIndex}). Default 0.3; false: off. */
  nearDuplicateThreshold?: number | false;
  /** Flag when the record holds at least this fraction of an item's n-grams. Default 0.5. */
  minCoverage?: number;
  /** …or at least this many of them (a long item partly copied: 50 grams ≈ a 62-character run). Default 50. */
  minSharedNgrams?: number;
  /** Record fields searched; each separately, so no n-gram spans two fields. Default instruction, input, output. */
  fields?: ('instruction' | 'input' | 'output')[];
  onProgress?: (progress: { done: number; total: number; flagged: number }) => void;
  signal?: AbortSignal;
}

const detectorsOf = (matches: ContaminationMatch[]): ContaminationDetector[] =>
  (['ngram', 'minhash'] as const).filter((detector) =>
    matches.some((match) => match.detectors.includes(detector)),
  );

function recordMatches(
  record: InstructionRecord,
  index: ContaminationIndex,
  fields: DecontaminateOptions['fields'] & {},
  minCoverage: number,
  minShared: number,
): ContaminationMatch[] {
  const shared = new Map<number, number>();
  const similar = new Map<number, number>();
  for (const field of fields) {
    const text = record[field] ?? '';
    for (const [item, count] of index.shared(text)) shared.set(item, Math.max(shared.get(item) ?? 0, count));
    for (const [item, value] of index.similar(text))
      similar.set(item, Math.max(similar.get(item) ?? 0, value));
  }
  const matches: ContaminationMatch[] = [];
  for (const item of new Set([...shared.keys(), ...similar.keys()])) {
    const count = shared.get(item) ?? 0;
    const coverage = count / index.gramCounts[item] || 0;
    const detectors: ContaminationDetector[] = [];
    if (coverage >= minCoverage || count >= minShared) detectors.push('ngram');
    if (similar.has(item)) detectors.push('minhash');
    if (detectors.length === 0) continue;
    const { id, task } = index.items[item];
    matches.push({
      itemId: id,
      task,
      detectors,
      sharedNgrams: count,
      coverage,
      similarity: similar.get(item) ?? 0,
    });
  }
  return matches.sort(
    (a, b) => b.coverage - a.coverage || b.similarity - a.similarity || a.itemId.localeCompare(b.itemId),
  );
}

/**
 * Flag training records that overlap evaluation items, by two detectors: character n-grams (13 by default, after
 * {@link contaminationText}): one of the record's fields holds at least `minCoverage` of the item's informative
 * n-grams, or at least `minSharedNgrams` of them; and MinHash: a field's estimated Jaccard similarity to the item
 * reaches the index's `nearDuplicateThreshold` (edited copies no 13-gram survives). Returns the clean records, the flagged ones
 * with every item they match, and overlaps per task with examples.
 */
export function decontaminate(options: DecontaminateOptions): DecontaminationReport {
  const {
    records,
    items,
    ngram = 13,
    nearDuplicateThreshold,
    minCoverage = 0.5,
    minSharedNgrams = 50,
    fields = ['instruction', 'input', 'output'],
    onProgress,
    signal,
  } = options;
  if (!options.index && !items)
    throw new DataGenOptionError({
      field: 'items',
      expected: 'benchmark items or an index',
      actual: undefined,
    });
  if (!(minCoverage > 0 && minCoverage <= 1))
    throw new DataGenOptionError({
      field: 'minCoverage',
      expected: 'a number in (0, 1]',
      actual: minCoverage,
    });
  if (!(minSharedNgrams >= 1))
    throw new DataGenOptionError({
      field: 'minSharedNgrams',
      expected: 'an integer ≥ 1',
      actual: minSharedNgrams,
    });
  const started = Date.now();
  const index =
    options.index ?? createContaminationIndex({ items: items ?? [], ngram, nearDuplicateThreshold });
  const tasks: Record<string, TaskOverlap> = {};
  for (const item of index.items) {
    tasks[item.task] ??= {
      items: 0,
      overlappedItems: 0,
      flaggedRecords: 0,
      byDetector: { ngram: 0, minhash: 0 },
      examples: [],
    };
    tasks[item.task].items++;
  }
  const overlapped = new Set<string>();
  const clean: InstructionRecord[] = [];
  const flagged: FlaggedRecord[] = [];
  records.forEach((record, position) => {
    if (position % 1000 === 0) {
      if (signal?.aborted) throw new DataGenAbortError('decontamination aborted');
      if (position > 0) onProgress?.({ done: position, total: records.length, flagged: flagged.length });
    }
    const matches = recordMatches(record, index, fields, minCoverage, minSharedNgrams);
    if (matches.length === 0) {
      clean.push(record);
      return;
    }
    const detectors = detectorsOf(matches);
    flagged.push({ index: position, record, matches, detectors });
    for (const task of new Set(matches.map((match) => match.task))) {
      const summary = tasks[task];
      summary.flaggedRecords++;
      for (const detector of detectorsOf(matches.filter((match) => match.task === task)))
        summary.byDetector[detector]++;
      const best = matches.find((match) => match.task === task)!;
      if (summary.examples.length < 3)
        summary.examples.push({
          recordIndex: position,
          itemId: best.itemId,
          detectors: best.detectors,
          coverage: best.coverage,
          similarity: best.similarity,
          instruction: record.instruction.slice(0, 80),
        });
    }
    for (const match of matches) {
      if (overlapped.has(match.itemId)) continue;
      overlapped.add(match.itemId);
      tasks[match.task].overlappedItems++;
    }
  });
  onProgress?.({ done: records.length, total: records.length, flagged: flagged.length });
  return {
    clean,
    flagged,
    tasks,
    skippedItems: index.skipped.map((item) => item.id),
    nearDuplicateSkippedItems: index.nearDuplicateSkipped.length,
    ngram: index.ngram,
    nearDuplicateThreshold: index.nearDuplicateThreshold,
    minCoverage,
    minSharedNgrams,
    elapsedMs: Date.now() - started,
  };
}
