import { basename } from 'node:path';
import { parseChineseNumeral } from './chinese-numeral.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { listFiles, readTextFile } from './read-text-file.js';
import type { StatuteArticle } from './statute-markdown.js';

/** An article of the criminal law a charge rests on. */
export interface ChargeArticleRef {
  number: number;
  /** `之X` as a number, 0 when absent. */
  suffix: number;
  /** 款 (paragraph), when the source names one. */
  paragraph?: number;
}

/** A criminal charge (罪名) and the 刑法 articles that define it. */
export interface Charge {
  /** Charge name with the trailing 罪, e.g. `故意伤害罪`. */
  name: string;
  articles: ChargeArticleRef[];
  /** 刑法 分则 chapter name, e.g. `侵犯公民人身权利、民主权利罪`, when known. */
  category?: string;
  /** Where the link came from: a file path, `cases` (CAIL co-occurrence) or `unlinked`. */
  source: string;
}

const NUMERAL = '(\\d+|[零〇一二两三四五六七八九十百千]+)';
const REF = new RegExp(`第${NUMERAL}条(?:之([一二三四五六七八九十]+))?(?:第${NUMERAL}款)?`, 'g');

/** `第114条、第115条第1款` → article refs (Arabic or Chinese numerals). */
export function parseArticleRefs(text: string): ChargeArticleRef[] {
  const refs: ChargeArticleRef[] = [];
  for (const match of text.matchAll(REF)) {
    const ref: ChargeArticleRef = {
      number: parseChineseNumeral(match[1]),
      suffix: match[2] ? parseChineseNumeral(match[2]) : 0,
    };
    if (match[3]) ref.paragraph = parseChineseNumeral(match[3]);
    refs.push(ref);
  }
  return refs;
}

/** `故意伤害` / `故意伤害罪（取消…罪名）` → `故意伤害罪`. */
export function normalizeChargeName(name: string): string {
  const bare = name
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/\s+/g, '')
    .trim();
  return bare.endsWith('罪') ? bare : `${bare}罪`;
}

/** Chapter name of an article in 刑法 分则 (`危害公共安全罪`), or undefined outside 分则. */
export function crimeCategoryOf(article: StatuteArticle): string | undefined {
  for (const heading of article.headings) {
    const match = /^第[一二三四五六七八九十]+章\s*(.+罪)$/.exec(heading);
    if (match && article.headings.some((outer) => outer.includes('分则'))) return match[1];
  }
  return undefined;
}

/**
 * Parse the official charge tables that ship as statute Markdown (最高人民检察院关于适用刑法分则规定的
 * 犯罪的罪名的意见 and the 确定罪名的补充规定 series): inline entries `12．放火罪（第114条、第115条第1款）`
 * and table rows `| 第一百三十三条之一 （《刑法修正案（八）》…） |危险驾驶罪 |`.
 */
export function parseChargeTable(text: string, options: { path?: string } = {}): Charge[] {
  const source = options.path ?? '<string>';
  const charges: Charge[] = [];
  let category: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line) => {
    const heading = /^#{2,3}\s*第[一二三四五六七八九十]+章\s*(.+罪)\s*$/.exec(line);
    if (heading) category = heading[1];
    if (line.startsWith('|')) {
      const cells = line.split('|').map((cell) => cell.trim());
      const [articleCell, nameCell] = [cells[1] ?? '', cells[2] ?? ''];
      // Only the refs before the amendment's own article numbers in （《…》…）.
      const refs = parseArticleRefs(articleCell.split(/[（(]《/)[0]);
      if (refs.length > 0 && nameCell.includes('罪')) {
        charges.push({ name: normalizeChargeName(nameCell), articles: refs, source });
      }
      return;
    }
    for (const match of line.matchAll(/([^（）\d．\s]+罪)（(第\d[^）]*)）/g)) {
      const refs = parseArticleRefs(match[2]);
      if (refs.length === 0) continue;
      const charge: Charge = { name: normalizeChargeName(match[1]), articles: refs, source };
      if (category) charge.category = category;
      charges.push(charge);
    }
  });
  return charges;
}

/** A CAIL `accu.txt`-style list: one charge name per line, `罪` optional. */
export function parseChargeList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * Read every `*罪名*.md` file under `root` (the statute folder) with {@link parseChargeTable}, oldest file
 * first, and merge entries by name (a later file's articles replace an earlier one's).
 */
export async function loadChargeTables(options: { root: string }): Promise<Charge[]> {
  const files = (await listFiles(options.root, '.md'))
    .filter((path) => basename(path).includes('罪名'))
    .sort((a, b) =>
      (/\((\d{4}-\d\d-\d\d)\)/.exec(a)?.[1] ?? '').localeCompare(/\((\d{4}-\d\d-\d\d)\)/.exec(b)?.[1] ?? ''),
    );
  const byName = new Map<string, Charge>();
  for (const file of files) {
    for (const charge of parseChargeTable(await readTextFile(file, 'a charge table'), { path: file })) {
      const previous = byName.get(charge.name);
      byName.set(charge.name, { ...charge, category: charge.category ?? previous?.category });
    }
  }
  return [...byName.values()];
}

/** A case as far as charge linking needs it: CAIL `meta.accusation` and `meta.relevant_articles`. */
export interface ChargeCase {
  accusations: string[];
  articles: number[];
}

/** Options of {@link linkCharges}. */
export interface LinkChargesOptions {
  /** Charge names to link (e.g. CAIL accu.txt), with or without 罪. */
  names: string[];
  /** Official table ({@link parseChargeTable} / {@link loadChargeTables}); matched by normalised name. */
  table?: Charge[];
  /** Cases: the article most often cited with a charge links a charge the table does not cover. */
  cases?: ChargeCase[];
  /** When given, each charge gets its 刑法 分则 chapter as `category`. */
  knowledgeBase?: KnowledgeBase;
}

/** Link charge names to 刑法 articles: the official table first, then CAIL case co-occurrence. */
export function linkCharges(options: LinkChargesOptions): Charge[] {
  const { names, table = [], cases = [], knowledgeBase } = options;
  const byName = new Map(table.map((charge) => [charge.name, charge]));
  // Step 1: article votes from single-accusation cases.
  const votes = new Map<string, Map<number, number>>();
  // Single-accusation cases weigh 1 per article; cases with k accusations weigh 1/(1000·k) (tie-breakers).
  for (const item of cases) {
    const weight = item.accusations.length === 1 ? 1 : 1 / (1000 * item.accusations.length);
    for (const accusation of item.accusations) {
      const name = normalizeChargeName(accusation);
      const counts = votes.get(name) ?? new Map<number, number>();
      for (const number of item.articles) counts.set(number, (counts.get(number) ?? 0) + weight);
      votes.set(name, counts);
    }
  }
  // Step 2: one record per name.
  return names.map((raw) => {
    const name = normalizeChargeName(raw);
    const official = byName.get(name);
    let charge: Charge;
    if (official) charge = { ...official, name };
    else {
      const counts = [...(votes.get(name) ?? new Map<number, number>()).entries()].sort(
        (a, b) => b[1] - a[1],
      );
      charge = counts.length
        ? { name, articles: [{ number: counts[0][0], suffix: 0 }], source: 'cases' }
        : { name, articles: [], source: 'unlinked' };
    }
    if (knowledgeBase && charge.articles.length > 0) {
      const article = knowledgeBase.findArticle({ law: '刑法', ...charge.articles[0] });
      const category = article ? crimeCategoryOf(article) : undefined;
      if (category) charge.category = category;
    }
    return charge;
  });
}
