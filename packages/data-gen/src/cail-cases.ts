import { basename } from 'node:path';
import { DataGenParseError } from './errors.js';
import { readTextFile } from './read-text-file.js';

/** A CAIL2018 case with a stable id (`cail:<file>#<0-based line>`). */
export interface CailCase {
  id: string;
  fact: string;
  accusations: string[];
  articles: number[];
  /** Months of fixed-term imprisonment (0 when none). */
  imprisonmentMonths: number;
  deathPenalty: boolean;
  lifeImprisonment: boolean;
  punishOfMoney: number;
  criminals: string[];
}

interface RawCail {
  fact?: unknown;
  meta?: {
    relevant_articles?: unknown;
    accusation?: unknown;
    punish_of_money?: unknown;
    criminals?: unknown;
    term_of_imprisonment?: { death_penalty?: unknown; imprisonment?: unknown; life_imprisonment?: unknown };
  };
}

/** Parse CAIL2018 JSONL text (`{fact, meta:{relevant_articles, accusation, term_of_imprisonment, …}}`). */
export function parseCailCases(text: string, options: { path?: string } = {}): CailCase[] {
  const path = options.path ?? '<string>';
  const name = basename(path).replace(/\.jsonl?$/, '');
  const cases: CailCase[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (!line) continue;
    let raw: RawCail;
    try {
      raw = JSON.parse(line) as RawCail;
    } catch (error) {
      throw new DataGenParseError({
        path,
        line: index + 1,
        message: `malformed JSON: ${(error as Error).message}`,
      });
    }
    const where = { path, line: index + 1 };
    if (typeof raw.fact !== 'string')
      throw new DataGenParseError({ ...where, field: 'fact', message: 'expected a string' });
    const meta = raw.meta;
    if (!meta || !Array.isArray(meta.accusation) || !Array.isArray(meta.relevant_articles)) {
      throw new DataGenParseError({
        ...where,
        field: 'meta',
        message: 'expected meta.accusation and meta.relevant_articles arrays',
      });
    }
    const term = meta.term_of_imprisonment ?? {};
    cases.push({
      id: `cail:${name}#${index}`,
      fact: raw.fact,
      accusations: meta.accusation.map(String),
      articles: meta.relevant_articles.map(Number),
      imprisonmentMonths: Number(term.imprisonment ?? 0),
      deathPenalty: term.death_penalty === true,
      lifeImprisonment: term.life_imprisonment === true,
      punishOfMoney: Number(meta.punish_of_money ?? 0),
      criminals: Array.isArray(meta.criminals) ? meta.criminals.map(String) : [],
    });
  }
  return cases;
}

/** Read a CAIL2018 JSONL file (see {@link parseCailCases}). */
export async function readCailCases(path: string): Promise<CailCase[]> {
  return parseCailCases(await readTextFile(path, 'a CAIL JSONL file'), { path });
}
