/** What a 刑法 article says about one crime: the described conduct and the penalty clauses. */
export interface CrimeElements {
  /** The conduct the paragraph describes (text before the first `的，处`), or undefined. */
  conduct: string | undefined;
  /** Clauses that impose a penalty, in order (`情节严重的，处三年以上七年以下有期徒刑`). */
  penalties: string[];
  /** The paragraph (款) the elements were taken from. */
  paragraph: string;
}

const PENALTY = /处|判处/;
const PUNISHMENT = /(有期徒刑|无期徒刑|死刑|拘役|管制|罚金|没收财产|剥夺政治权利)/;

/**
 * Split an article's text into paragraphs (款): enumerated items `（一）…` belong to the paragraph
 * before them.
 */
export function paragraphsOf(text: string): string[] {
  const paragraphs: string[] = [];
  for (const line of text.split('\n')) {
    if (/^[（(][一二三四五六七八九十]+[）)]/.test(line) && paragraphs.length > 0) {
      paragraphs[paragraphs.length - 1] += `\n${line}`;
    } else paragraphs.push(line);
  }
  return paragraphs;
}

/**
 * Extract conduct and penalties from paragraph `paragraph` (1-based 款; default: the first paragraph that
 * imposes a punishment) of a criminal-law article.
 */
export function extractCrimeElements(text: string, paragraph?: number): CrimeElements {
  const paragraphs = paragraphsOf(text);
  const chosen =
    paragraph !== undefined && paragraphs[paragraph - 1]
      ? paragraphs[paragraph - 1]
      : (paragraphs.find((item) => PENALTY.test(item) && PUNISHMENT.test(item)) ?? paragraphs[0] ?? '');
  // Clauses end at 。 or ；; a clause with 处 and a punishment is a penalty clause.
  const clauses = chosen
    .split(/(?<=[。；])/)
    .map((clause) => clause.replace(/[。；]$/, '').trim())
    .filter(Boolean);
  // A clause that introduces an enumeration (`…的，处拘役，并处罚金：\n（一）…`) keeps only its head.
  const penalties = clauses
    .map((clause) =>
      /：\n/.test(clause) && PUNISHMENT.test(clause.split('：')[0]) ? clause.split('：')[0] : clause,
    )
    .filter((clause) => PENALTY.test(clause) && PUNISHMENT.test(clause));
  let conduct: string | undefined;
  const first = penalties[0];
  if (first) {
    const cut = first.search(/的，(?:处|判处|对|应当)/);
    // A conduct that spans an enumeration or a colon is not a single description.
    const head = first.slice(0, cut);
    if (cut > 0 && !/[：\n]|下列|之一$/.test(head)) conduct = head.trim();
  }
  return { conduct, penalties, paragraph: chosen };
}
