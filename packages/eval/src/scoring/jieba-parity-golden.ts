/**
 * The committed golden segmentations of the jieba parity test (test support, not exported). Each text's
 * segmentation is kept as a 4-byte hash of its token lengths (the tokens concatenate back to the text, so the lengths
 * determine them); texts from `../shared` are never stored, only these hashes and a digest of all the inputs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder of the golden files (`packages/eval/golden/jieba`). */
export const GOLDEN_DIR = fileURLToPath(new URL('../../golden/jieba/', import.meta.url));

/** Seed and size of the synthetic set. */
export const SYNTHETIC = { seed: 15, count: 24_000 };

/** `golden.json`: where the hashes came from, and digests of the inputs they belong to. */
export interface GoldenMeta {
  /** Python jieba's version and its dictionary total (`jieba.dt.total`). */
  jieba: string;
  total: number;
  synthetic: { seed: number; count: number; digest: string };
  lawbench: { count: number; digest: string };
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

export function readGolden(): { meta: GoldenMeta; synthetic: Buffer; lawbench: Buffer } {
  return {
    meta: JSON.parse(readFileSync(`${GOLDEN_DIR}golden.json`, 'utf8')) as GoldenMeta,
    synthetic: readFileSync(`${GOLDEN_DIR}synthetic.bin`),
    lawbench: readFileSync(`${GOLDEN_DIR}lawbench.bin`),
  };
}

export function writeGolden(meta: GoldenMeta, synthetic: Buffer, lawbench: Buffer): void {
  writeFileSync(`${GOLDEN_DIR}golden.json`, `${JSON.stringify(meta, null, 2)}\n`);
  writeFileSync(`${GOLDEN_DIR}synthetic.bin`, synthetic);
  writeFileSync(`${GOLDEN_DIR}lawbench.bin`, lawbench);
}
