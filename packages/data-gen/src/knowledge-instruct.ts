import type { CailCase } from './cail-cases.js';
import type { Charge } from './charges.js';
import { DataGenOptionError } from './errors.js';
import type { InstructionRecord } from './instruction-record.js';
import { createRandom, shuffled } from './internal/random.js';
import type { KnowledgeBase } from './knowledge-base.js';
import {
  articleContent,
  articleSource,
  caseArticle,
  caseCharge,
  caseTerm,
  crimeElements,
  recitation,
  scenarioArticle,
  type TemplateContext,
} from './knowledge-templates.js';

/** Names of the teacher-free templates. */
export const KNOWLEDGE_TEMPLATES = [
  'recitation',
  'article-content',
  'article-source',
  'crime-elements',
  'scenario-article',
  'case-charge',
  'case-article',
  'case-term',
] as const;
export type KnowledgeTemplate = (typeof KNOWLEDGE_TEMPLATES)[number];

/** Options of {@link buildKnowledgeInstructions}. */
export interface BuildKnowledgeInstructionsOptions {
  knowledgeBase: KnowledgeBase;
  /** Charges linked to 刑法 articles (for `crime-elements`, `scenario-article`). */
  charges?: Charge[];
  /** CAIL-style cases (for `case-charge`, `case-article`, `case-term`). */
  cases?: CailCase[];
  /** Templates to use; default all that have data. */
  templates?: readonly KnowledgeTemplate[];
  /** Laws (full or short names) for the article templates; default all laws in the knowledge base. */
  laws?: string[];
  /** Total number of records; default: every candidate. Records are spread evenly over templates. */
  limit?: number;
  /** Seed of the shuffles and phrasing choices; same inputs and seed → same records. */
  seed?: number;
  /** Cases whose fact is longer than this many characters are skipped. */
  maxFactChars?: number;
}

/** A candidate record, rendered only when selected. */
type Candidate = (random: () => number) => InstructionRecord | undefined;

function candidatesFor(template: KnowledgeTemplate, context: TemplateContext, laws: string[]): Candidate[] {
  const { knowledgeBase, charges, cases } = context;
  const articles = () =>
    laws
      .flatMap((law) => knowledgeBase.articles(law))
      .filter((article) => !/^（?删去）?$|^已删除/.test(article.text));
  switch (template) {
    case 'recitation':
      return articles().map((article) => (random) => recitation(article, random));
    case 'article-content':
      return articles().map((article) => (random) => articleContent(article, random));
    case 'article-source':
      return articles().map((article) => (random) => articleSource(article, random));
    case 'crime-elements':
      return charges.map((charge) => (random) => crimeElements(charge, context, random));
    case 'scenario-article':
      return charges.map((charge) => (random) => scenarioArticle(charge, context, random));
    case 'case-charge':
      return cases.map((item) => (random) => caseCharge(item, random));
    case 'case-article':
      return cases.map((item) => (random) => caseArticle(item, context, random));
    case 'case-term':
      return cases.map((item) => (random) => caseTerm(item, random));
  }
}

/**
 * Build instruction/output pairs from the knowledge base without a teacher. Each template's candidates are
 * shuffled with `seed`, then templates take turns until `limit` records exist (or candidates run out).
 * Every record carries its template name and provenance (law + article, or case id).
 */
export function buildKnowledgeInstructions(options: BuildKnowledgeInstructionsOptions): InstructionRecord[] {
  const {
    knowledgeBase,
    charges = [],
    cases = [],
    templates = KNOWLEDGE_TEMPLATES,
    laws = knowledgeBase.laws().map((entry) => entry.law),
    limit = Number.POSITIVE_INFINITY,
    seed = 0,
    maxFactChars = 1000,
  } = options;
  for (const template of templates) {
    if (!KNOWLEDGE_TEMPLATES.includes(template)) {
      throw new DataGenOptionError({
        field: 'templates',
        expected: KNOWLEDGE_TEMPLATES.join('|'),
        actual: template,
      });
    }
  }
  if (!(limit > 0))
    throw new DataGenOptionError({ field: 'limit', expected: 'a positive number', actual: limit });
  const context: TemplateContext = {
    knowledgeBase,
    charges,
    cases: cases.filter((item) => item.fact.length <= maxFactChars),
  };
  const resolvedLaws = laws.map((law) => knowledgeBase.law(law).law);
  // Step 1: shuffled candidate queues, one per template, each with its own seeded stream.
  const queues = templates.map((template, index) => ({
    random: createRandom(seed * 7919 + index + 1),
    items: shuffled(
      candidatesFor(template, { ...context, cases: context.cases }, resolvedLaws),
      createRandom(seed + index),
    ),
    next: 0,
  }));
  // Step 2: round robin over templates.
  const records: InstructionRecord[] = [];
  let active = queues.filter((queue) => queue.items.length > 0);
  while (records.length < limit && active.length > 0) {
    for (const queue of active) {
      if (records.length >= limit) break;
      while (queue.next < queue.items.length) {
        const record = queue.items[queue.next++](queue.random);
        if (record) {
          records.push(record);
          break;
        }
      }
    }
    active = active.filter((queue) => queue.next < queue.items.length);
  }
  return records;
}
