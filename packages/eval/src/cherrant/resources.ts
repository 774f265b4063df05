import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalFileError } from '../errors.js';

/** ChERRANT's lexical resources from LawBench's `scorer-data/`. */
export interface CherrantResources {
  /** Cilin (同义词词林) semantic code of each word (the last line that lists it wins). */
  semantic: Map<string, string>;
  /** Character confusion sets: character → characters it is confused with. */
  confusion: Map<string, Set<string>>;
}

const cache = new Map<string, Promise<CherrantResources>>();

/** Load (once per directory) `cilin.txt` (GBK) and `confusion_dict.txt` from a scorer-data directory. */
export function loadCherrantResources(scorerDataDir: string): Promise<CherrantResources> {
  let pending = cache.get(scorerDataDir);
  if (!pending) {
    pending = readResources(scorerDataDir);
    cache.set(scorerDataDir, pending);
    pending.catch(() => cache.delete(scorerDataDir));
  }
  return pending;
}

async function readResources(dir: string): Promise<CherrantResources> {
  const cilinPath = join(dir, 'cilin.txt');
  const confusionPath = join(dir, 'confusion_dict.txt');
  const [cilinBytes, confusionText] = await Promise.all([
    readFile(cilinPath).catch(() => {
      throw new EvalFileError(`${cilinPath}: cannot read ChERRANT's cilin.txt`, cilinPath);
    }),
    readFile(confusionPath, 'utf8').catch(() => {
      throw new EvalFileError(`${confusionPath}: cannot read ChERRANT's confusion_dict.txt`, confusionPath);
    }),
  ]);
  return {
    semantic: parseCilin(new TextDecoder('gbk').decode(cilinBytes)),
    confusion: parseConfusion(confusionText),
  };
}

/** Parse cilin lines `Aa01A01= 人 士 人物` into word → code. */
export function parseCilin(text: string): Map<string, string> {
  const semantic = new Map<string, string>();
  for (const line of text.trim().split('\n')) {
    const [code, ...words] = line.split(' ');
    for (const word of words) semantic.set(word, code);
  }
  return semantic;
}

/** Parse confusion lines `一 倚 社 三` into character → confusable characters. */
export function parseConfusion(text: string): Map<string, Set<string>> {
  const confusion = new Map<string, Set<string>>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    const [head, ...rest] = line.split(' ');
    confusion.set(head, new Set(rest));
  }
  return confusion;
}
