/**
 * The committed golden segmentations of the jieba parity test (test support, not exported). Each text's
 * segmentation is kept as a 4-byte hash of its token lengths (the tokens concatenate back to the text, so the lengths
 * determine them); texts from `../shared` are never stored, only these hashes and a digest of all the inputs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder of the golden files (`packages/common/golden/jieba`). */
export const GOLDEN_DIR = fileURLToPath(new URL('../../golden/jieba/', import.meta.url));

/** Seed and size of the synthetic set. */
export const SYNTHETIC = { seed: 15, count: 24_000 };

/** The two modes of Python's `jieba.cut(text, HMM=...)` that have golden segmentations. */
export const MODES = { hmm: { hmm: true, suffix: '' }, noHmm: { hmm: false, suffix: '-no-hmm' } } as const;
export type Mode = keyof typeof MODES;

/** `golden.json`: where the hashes came from, and digests of the inputs they belong to. */
export interface GoldenMeta {
  /** Python jieba's version and its dictionary total (`jieba.dt.total`). */
  jieba: string;
  total: number;
  synthetic: { seed: number; count: number; digest: string };
  lawbench: { count: number; digest: string };
}

/** Golden hashes of one mode: 4 bytes per text, in the order of the text set. */
export interface GoldenHashes {
  synthetic: Buffer;
  lawbench: Buffer;
}

/** A digest of a list of texts (to tell "inputs changed" from "segmentation changed"). */
export function textsDigest(texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(JSON.stringify(text)).update('\n');
  return hash.digest('hex').slice(0, 16);
}

/** The token lengths (UTF-16 units) of a segmentation, or undefined when the tokens do not rebuild the text. */
export function tokenLengths(text: string, tokens: readonly string[]): number[] | undefined {
  return tokens.join('') === text && tokens.every((token) => token.length > 0)
    ? tokens.map((token) => token.length)
    : undefined;
}

/** 4-byte hash of a segmentation (its token lengths). */
export function segmentationHash(lengths: readonly number[]): Buffer {
  return createHash('sha256').update(lengths.join(',')).digest().subarray(0, 4);
}

const file = (set: keyof GoldenHashes, mode: Mode): string => `${GOLDEN_DIR}${set}${MODES[mode].suffix}.bin`;

export function readGolden(): { meta: GoldenMeta; hashes: Record<Mode, GoldenHashes> } {
  const read = (mode: Mode): GoldenHashes => ({
    synthetic: readFileSync(file('synthetic', mode)),
    lawbench: readFileSync(file('lawbench', mode)),
  });
  return {
    meta: JSON.parse(readFileSync(`${GOLDEN_DIR}golden.json`, 'utf8')) as GoldenMeta,
    hashes: { hmm: read('hmm'), noHmm: read('noHmm') },
  };
}

export function writeGolden(meta: GoldenMeta, hashes: Record<Mode, GoldenHashes>): void {
  writeFileSync(`${GOLDEN_DIR}golden.json`, `${JSON.stringify(meta, null, 2)}\n`);
  for (const mode of Object.keys(MODES) as Mode[]) {
    writeFileSync(file('synthetic', mode), hashes[mode].synthetic);
    writeFileSync(file('lawbench', mode), hashes[mode].lawbench);
  }
}
