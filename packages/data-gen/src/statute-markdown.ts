import { parseChineseNumeral } from './chinese-numeral.js';
import { DataGenParseError } from './errors.js';

/** One article (`第X条` or `第X条之Y`) of a statute. */
export interface StatuteArticle {
  /** Title of the law, from the first `#` line, e.g. `中华人民共和国刑法`. */
  law: string;
  /** Version date `YYYY-MM-DD` (file name date, else the latest date in the history lines), or null. */
  versionDate: string | null;
  /** Enclosing 编/章/节 headings, outermost first, e.g. `['第二编 分则', '第四章 侵犯公民人身权利、民主权利罪']`. */
  headings: string[];
  /** Article number: 133 for `第一百三十三条之一`. */
  number: number;
  /** The `之X` part as a number (1 for 之一), 0 when absent. */
  suffix: number;
  /** Paragraphs (款) of the article joined with `\n`, without the `第X条` label. */
  text: string;
  /** File the article came from, when known. */
  path?: string;
  /** 1-based line of the `第X条` label in that file. */
  line: number;
}

/** Something in a statute file that was kept but may be wrong: where it is and what it is. */
export interface StatuteWarning {
  /**
   * `duplicate-article`: an article number seen before (both are kept); `unparseable-article`: a line
   * that starts like an article label (`第…条`) but is not one (kept in `unparsed`, not glued to the
   * article before it); `no-articles`: a file without any article.
   */
  kind: 'duplicate-article' | 'unparseable-article' | 'no-articles';
  /** File (or `<string>`). */
  path: string;
  /** 1-based line. */
  line: number;
  /** For duplicates: the first occurrence. */
  first?: { path: string; line: number };
  message: string;
}

/** A parsed statute Markdown file. */
export interface StatuteDocument {
  law: string;
  /** A second `#` line before `<!-- INFO END -->` (e.g. `人格权编` in the 民法典 files), else null. */
  part: string | null;
  path?: string;
  /** Date in the file name `title(YYYY-MM-DD).md`, or null. */
  fileDate: string | null;
  /** `fileDate`, else the latest date found in the history lines, else null. */
  versionDate: string | null;
  /** Non-empty lines between the title and `<!-- INFO END -->` (adoption/amendment history). */
  history: string[];
  /** Body text before the first article (preambles of judicial interpretations). */
  preamble: string;
  articles: StatuteArticle[];
  /** Lines that look like an article label but do not parse, with their paragraphs: never merged into another article. */
  unparsed: { line: number; text: string }[];
  /** Duplicate article numbers, unparseable article labels, a file without articles. */
  warnings: StatuteWarning[];
}

const ARTICLE_LINE =
  /^第([零〇一二两三四五六七八九十百千万\d]+)条(?:之([一二三四五六七八九十]+))?(?:[ \t\u3000]+(.*))?$/;
// Starts like an article label: 第, a short run without spaces or punctuation, 条.
const ARTICLE_LIKE = /^第[^\s，。；：、,.;:（）()]{1,12}?条/;
const HEADING_LINE = /^(#{1,6})\s+(.*)$/;
const INFO_END = '<!-- INFO END -->';
// Zero-width characters and BOMs that appear inside some statute files.
const INVISIBLE = /\u200b|\u200c|\u200d|\u2060|\ufeff/g;

/** `YYYY-MM-DD` from a `title(YYYY-MM-DD).md` file name, or null. */
export function fileDateOf(path: string): string | null {
  const match = /\((\d{4}-\d{2}-\d{2})\)\.md$/.exec(path);
  return match ? match[1] : null;
}

/** The latest `YYYY年M月D日` date in `lines` as `YYYY-MM-DD`, or null. */
export function latestHistoryDate(lines: string[]): string | null {
  let latest: string | null = null;
  for (const line of lines) {
    for (const match of line.matchAll(/(\d{4})年(\d{1,2})月(\d{1,2})日/g)) {
      const date = `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
      if (latest === null || date > latest) latest = date;
    }
  }
  return latest;
}

function cleanLine(line: string): string {
  return line.replace(INVISIBLE, '').trim();
}

function cleanHeading(text: string): string {
  return text.replace(/[\s\u3000]+/g, ' ').trim();
}

/** Options of {@link parseStatuteMarkdown}. */
export interface ParseStatuteOptions {
  /** File path, used for the version date (`title(YYYY-MM-DD).md`) and in error messages. */
  path?: string;
}

/**
 * Parse statute Markdown in the LawRefBook layout: `# title`, optional `# part`, history lines,
 * `<!-- INFO END -->`, then `#`-headings for 编/章/节 and one paragraph per line, each article starting
 * with `第X条` (or `第X条之Y`) and a space. Lines after an article up to the next article or heading are its
 * further paragraphs. Files without the INFO END marker are read with an empty history.
 */
export function parseStatuteMarkdown(text: string, options: ParseStatuteOptions = {}): StatuteDocument {
  const { path } = options;
  const where = path ?? '<string>';
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map(cleanLine);
  const titleIndex = lines.findIndex((line) => line.length > 0);
  const titleMatch = titleIndex >= 0 ? /^#\s+(.+)$/.exec(lines[titleIndex]) : null;
  if (!titleMatch) {
    throw new DataGenParseError({
      path: where,
      line: titleIndex >= 0 ? titleIndex + 1 : 1,
      message: 'expected a "# title" line at the top of the statute file',
    });
  }
  const law = cleanHeading(titleMatch[1]);
  const infoEnd = lines.indexOf(INFO_END);
  const bodyStart = infoEnd >= 0 ? infoEnd + 1 : titleIndex + 1;
  // Step 1: header — part title and history lines.
  let part: string | null = null;
  const history: string[] = [];
  for (let index = titleIndex + 1; index < (infoEnd >= 0 ? infoEnd : titleIndex + 1); index++) {
    const line = lines[index];
    if (!line) continue;
    const heading = /^#\s+(.+)$/.exec(line);
    if (heading && part === null) part = cleanHeading(heading[1]);
    else history.push(line);
  }
  const fileDate = path ? fileDateOf(path) : null;
  const versionDate = fileDate ?? latestHistoryDate(history);
  // Step 2: body — headings stack, articles and their paragraphs.
  const body = parseBody(lines, bodyStart, { law, versionDate, path, part });
  const document: StatuteDocument = {
    law,
    part,
    fileDate,
    versionDate,
    history,
    ...body,
  };
  if (path) document.path = path;
  return document;
}

/** The body after the header: 编/章/节 headings, articles with their paragraphs, and what looked wrong. */
function parseBody(
  lines: string[],
  bodyStart: number,
  context: { law: string; versionDate: string | null; path?: string; part: string | null },
): Pick<StatuteDocument, 'preamble' | 'articles' | 'unparsed' | 'warnings'> {
  const { law, versionDate, path, part } = context;
  const where = path ?? '<string>';
  const stack: { level: number; text: string }[] = part ? [{ level: 1, text: part }] : [];
  const articles: StatuteArticle[] = [];
  const unparsed: StatuteDocument['unparsed'] = [];
  const warnings: StatuteWarning[] = [];
  const preamble: string[] = [];
  const firstLine = new Map<string, number>();
  // The paragraphs that follow go to the current article, or to an unparseable label (never to the article before it).
  let paragraphs: string[] | null = null;
  let finish = () => {};
  for (let index = bodyStart; index < lines.length; index++) {
    const line = lines[index];
    if (!line || line.startsWith('<!--')) continue;
    const heading = HEADING_LINE.exec(line);
    if (heading) {
      finish();
      paragraphs = null;
      const level = heading[1].length;
      while (stack.length > 0 && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, text: cleanHeading(heading[2]) });
      continue;
    }
    const label = ARTICLE_LIKE.test(line) ? parseLabel(line) : undefined;
    if (label === null) {
      finish();
      const entry = { line: index + 1, text: line };
      unparsed.push(entry);
      const list: string[] = [line];
      paragraphs = list;
      finish = () => {
        entry.text = list.join('\n');
      };
      warnings.push({
        kind: 'unparseable-article',
        path: where,
        line: index + 1,
        message: `"${line.slice(0, 20)}" starts like an article label but is not one (expected 第<数字>条 and a space); kept apart, not added to the article before it`,
      });
      continue;
    }
    if (label) {
      finish();
      const record: StatuteArticle = {
        law,
        versionDate,
        headings: stack.map((entry) => entry.text),
        number: label.number,
        suffix: label.suffix,
        text: '',
        line: index + 1,
      };
      if (path) record.path = path;
      const key = `${label.number}:${label.suffix}`;
      const first = firstLine.get(key);
      if (first === undefined) firstLine.set(key, index + 1);
      else {
        warnings.push({
          kind: 'duplicate-article',
          path: where,
          line: index + 1,
          first: { path: where, line: first },
          message: `${line.split(/[ \t\u3000]/)[0]} appears again (first at line ${first}); both are kept`,
        });
      }
      articles.push(record);
      const list: string[] = label.text ? [label.text] : [];
      paragraphs = list;
      finish = () => {
        record.text = list.join('\n');
      };
      continue;
    }
    if (paragraphs) paragraphs.push(line);
    else if (articles.length === 0 && unparsed.length === 0) preamble.push(line);
  }
  finish();
  if (articles.length === 0) {
    warnings.push({ kind: 'no-articles', path: where, line: 1, message: 'no article (第X条) in this file' });
  }
  return { preamble: preamble.join('\n'), articles, unparsed, warnings };
}

/** Number, suffix and first paragraph of an article label line; null when it only looks like one. */
function parseLabel(line: string): { number: number; suffix: number; text: string } | null {
  const match = ARTICLE_LINE.exec(line);
  if (!match) return null;
  try {
    const number = parseChineseNumeral(match[1]);
    const suffix = match[2] ? parseChineseNumeral(match[2]) : 0;
    return number > 0 ? { number, suffix, text: match[3]?.trim() ?? '' } : null;
  } catch {
    return null;
  }
}
