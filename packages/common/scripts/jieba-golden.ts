/**
 * Dev script: segments the jieba parity texts with Python jieba 0.42.1 (Debian's python3-jieba, run by
 * /usr/bin/python3 through jieba_cut.py), with the HMM on and off, and writes the golden hashes to golden/jieba/. It
 * also compares with our port and prints every text that differs, with both segmentations.
 *
 *   npx vite-node packages/common/scripts/jieba-golden.ts            # needs ../shared (or LAWGPT_SHARED)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  GOLDEN_DIR,
  type GoldenHashes,
  MODES,
  type Mode,
  SYNTHETIC,
  segmentationHash,
  textsDigest,
  tokenLengths,
  writeGolden,
} from '../src/internal/jieba-parity-golden.js';
import { lawbenchTexts, syntheticTexts } from '../src/internal/jieba-parity-texts.js';
import { jiebaCut } from '../src/jieba-cut.js';

const PYTHON = process.env.JIEBA_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./jieba_cut.py', import.meta.url));
/** `../shared` beside the repository (or $LAWGPT_SHARED), as the tests find it. */
const SHARED = process.env.LAWGPT_SHARED ?? fileURLToPath(new URL('../../../../shared', import.meta.url));

/** Python's words for each text in both modes, and its `{jieba, total}` line. */
async function pythonCut(
  texts: string[],
): Promise<{ meta: { jieba: string; total: number }; words: Record<Mode, string[][]> }> {
  const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (line) => lines.push(line));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (const text of texts) {
    if (!child.stdin.write(`${JSON.stringify(text)}\n`))
      await new Promise((resolve) => child.stdin.once('drain', resolve));
  }
  child.stdin.end();
  const code = await closed;
  if (code !== 0 || lines.length !== texts.length + 1)
    throw new Error(`${PYTHON} ${SCRIPT} failed (exit ${code})`);
  const pairs = lines.slice(1).map((line) => JSON.parse(line) as [string[], string[]]);
  return {
    meta: JSON.parse(lines[0]),
    words: { hmm: pairs.map((pair) => pair[0]), noHmm: pairs.map((pair) => pair[1]) },
  };
}

function hashes(name: string, mode: Mode, texts: string[], words: string[][]): Buffer {
  const out = Buffer.alloc(4 * texts.length);
  let differ = 0;
  texts.forEach((text, i) => {
    const lengths = tokenLengths(text, words[i]);
    if (!lengths) throw new Error(`${name} #${i}: Python's words do not rebuild the text`);
    segmentationHash(lengths).copy(out, 4 * i);
    const ours = jiebaCut(text, { hmm: MODES[mode].hmm });
    if (JSON.stringify(ours) !== JSON.stringify(words[i])) {
      differ++;
      if (differ <= 20) {
        console.log(`${name} (${mode}) #${i} differs\n  text:   ${JSON.stringify(text.slice(0, 300))}`);
        console.log(
          `  python: ${JSON.stringify(words[i]).slice(0, 600)}\n  ours:   ${JSON.stringify(ours).slice(0, 600)}`,
        );
      }
    }
  });
  console.log(
    `${name} (${mode}): ${texts.length} texts, ${texts.length - differ} identical, ${differ} differ`,
  );
  return out;
}

async function main(): Promise<void> {
  if (!existsSync(`${SHARED}/data/lawbench`))
    throw new Error(`${SHARED}/data/lawbench not found (set LAWGPT_SHARED)`);
  const synthetic = syntheticTexts(SYNTHETIC.seed, SYNTHETIC.count);
  const lawbench = lawbenchTexts(`${SHARED}/data/lawbench`);
  const started = Date.now();
  const python = await pythonCut([...synthetic, ...lawbench]);
  console.log(`python jieba ${python.meta.jieba}: ${(Date.now() - started) / 1000} s`);
  const modeHashes = (mode: Mode): GoldenHashes => ({
    synthetic: hashes('synthetic', mode, synthetic, python.words[mode].slice(0, synthetic.length)),
    lawbench: hashes('lawbench', mode, lawbench, python.words[mode].slice(synthetic.length)),
  });
  mkdirSync(GOLDEN_DIR, { recursive: true });
  writeGolden(
    {
      jieba: python.meta.jieba,
      total: python.meta.total,
      synthetic: { ...SYNTHETIC, digest: textsDigest(synthetic) },
      lawbench: { count: lawbench.length, digest: textsDigest(lawbench) },
    },
    { hmm: modeHashes('hmm'), noHmm: modeHashes('noHmm') },
  );
  console.log(`wrote ${GOLDEN_DIR}`);
}

await main();
