import type { CailCase } from './cail-cases.js';
import type { Charge } from './charges.js';
import { formatArticleLabel } from './chinese-numeral.js';
import { extractCrimeElements } from './crime-elements.js';
import type { InstructionRecord, Provenance } from './instruction-record.js';
import { pick } from './internal/random.js';
import { type KnowledgeBase, shortLawName } from './knowledge-base.js';
import type { StatuteArticle } from './statute-markdown.js';

/** What the templates can draw on. */
export interface TemplateContext {
  knowledgeBase: KnowledgeBase;
  charges: Charge[];
  cases: CailCase[];
}

type Random = () => number;
const CRIMINAL_LAW = '中华人民共和国刑法';

function statuteProvenance(article: StatuteArticle, extra: Partial<Provenance> = {}): Provenance {
  const provenance: Provenance = {
    kind: 'statute',
    law: article.law,
    articles: [formatArticleLabel(article.number, article.suffix)],
    versionDate: article.versionDate,
    ...extra,
  };
  if (article.path) provenance.path = article.path;
  return provenance;
}

function label(article: StatuteArticle): string {
  return formatArticleLabel(article.number, article.suffix);
}

function where(article: StatuteArticle): string {
  return article.headings.length ? `（${article.headings.join(' · ')}）` : '';
}

/** `recitation`: the article's exact text. */
export function recitation(article: StatuteArticle, random: Random): InstructionRecord {
  const name = `《${shortLawName(article.law)}》${label(article)}`;
  const instruction = pick(
    [`请背诵${name}的内容。`, `请写出${name}的原文。`, `${name}的条文原文是什么？`, `默写${name}。`],
    random,
  );
  return {
    instruction,
    input: '',
    output: article.text,
    template: 'recitation',
    provenance: statuteProvenance(article),
  };
}

/** `article-content`: "what does Article N of law X say", answered with its place and text. */
export function articleContent(article: StatuteArticle, random: Random): InstructionRecord {
  const short = shortLawName(article.law);
  const instruction = pick(
    [
      `《${short}》${label(article)}规定了什么？`,
      `${short}${label(article)}是怎么规定的？`,
      `请介绍《${article.law}》${label(article)}的内容。`,
    ],
    random,
  );
  const output = `《${article.law}》${label(article)}${where(article)}规定：\n${article.text}`;
  return {
    instruction,
    input: '',
    output,
    template: 'article-content',
    provenance: statuteProvenance(article),
  };
}

/** `article-source`: given the text, name the law and article. */
export function articleSource(article: StatuteArticle, random: Random): InstructionRecord {
  const instruction = pick(
    [
      '下面这段条文出自哪部法律的哪一条？',
      '请指出以下法条的出处（法律名称和条号）。',
      '以下规定是哪部法律的第几条？',
    ],
    random,
  );
  const output = `该条文出自《${article.law}》${label(article)}${where(article)}。`;
  return {
    instruction,
    input: article.text,
    output,
    template: 'article-source',
    provenance: statuteProvenance(article),
  };
}

function chargeArticle(
  charge: Charge,
  context: TemplateContext,
): { article: StatuteArticle; paragraph?: number } | undefined {
  const ref = charge.articles[0];
  if (!ref) return undefined;
  const article = context.knowledgeBase.findArticle({
    law: CRIMINAL_LAW,
    number: ref.number,
    suffix: ref.suffix,
  });
  return article ? { article, paragraph: ref.paragraph } : undefined;
}

/** `crime-elements`: the conduct and the statutory penalties of a charge, from its 刑法 article. */
export function crimeElements(
  charge: Charge,
  context: TemplateContext,
  random: Random,
): InstructionRecord | undefined {
  const found = chargeArticle(charge, context);
  if (!found) return undefined;
  const { article, paragraph } = found;
  const elements = extractCrimeElements(article.text, paragraph);
  if (elements.penalties.length === 0) return undefined;
  const instruction = pick(
    [
      `${charge.name}的构成要件和法定刑是什么？`,
      `请说明${charge.name}的犯罪构成与处罚。`,
      `${charge.name}怎么认定，怎么处罚？`,
    ],
    random,
  );
  const lines = [`${charge.name}规定在《${CRIMINAL_LAW}》${label(article)}${where(article)}。`];
  if (charge.category) lines.push(`犯罪客体：属于刑法分则“${charge.category}”一章所保护的社会关系。`);
  if (elements.conduct) lines.push(`客观行为：${elements.conduct}。`);
  lines.push('法定刑：', ...elements.penalties.map((penalty, index) => `${index + 1}. ${penalty}；`));
  lines.push(`条文原文：${elements.paragraph}`);
  return {
    instruction,
    input: '',
    output: lines.join('\n'),
    template: 'crime-elements',
    provenance: statuteProvenance(article, { charge: charge.name }),
  };
}

/** `scenario-article`: a short scenario built from the article's conduct; which article applies. */
export function scenarioArticle(
  charge: Charge,
  context: TemplateContext,
  random: Random,
): InstructionRecord | undefined {
  const found = chargeArticle(charge, context);
  if (!found) return undefined;
  const { article, paragraph } = found;
  const elements = extractCrimeElements(article.text, paragraph);
  if (!elements.conduct) return undefined;
  const instruction = pick(
    [
      '某人实施了下述行为。根据《中华人民共和国刑法》，应当适用哪一条？',
      '根据刑法，以下行为可能构成什么罪？适用哪一条规定？',
    ],
    random,
  );
  const output =
    `该行为可能构成${charge.name}，应当适用《${CRIMINAL_LAW}》${label(article)}。` +
    `该条规定：${elements.paragraph}`;
  return {
    instruction,
    input: `行为：${elements.conduct}。`,
    output,
    template: 'scenario-article',
    provenance: statuteProvenance(article, { charge: charge.name }),
  };
}

function caseProvenance(item: CailCase): Provenance {
  return {
    kind: 'case',
    caseId: item.id,
    law: CRIMINAL_LAW,
    articles: item.articles.map((number) => formatArticleLabel(number)),
    charge: item.accusations.map((name) => `${name}罪`).join('、'),
  };
}

/** `case-charge`: predict the charge(s) from the facts. */
export function caseCharge(item: CailCase, random: Random): InstructionRecord | undefined {
  if (item.accusations.length === 0) return undefined;
  const instruction = pick(
    [
      '根据以下案情，判断被告人涉嫌的罪名。',
      '请根据下面的案件事实预测罪名。',
      '以下案件中，被告人的行为构成什么罪？',
    ],
    random,
  );
  const who = item.criminals.length ? `被告人${item.criminals.join('、')}` : '被告人';
  const charges = item.accusations.map((name) => `${name}罪`).join('、');
  const basis = item.articles.map((number) => formatArticleLabel(number)).join('、');
  const output = `${who}的行为涉嫌${charges}，依据《${CRIMINAL_LAW}》${basis}。`;
  return { instruction, input: item.fact, output, template: 'case-charge', provenance: caseProvenance(item) };
}

/** `case-article`: which 刑法 articles apply to the facts, with their text when the knowledge base has it. */
export function caseArticle(
  item: CailCase,
  context: TemplateContext,
  random: Random,
): InstructionRecord | undefined {
  if (item.articles.length === 0) return undefined;
  const instruction = pick(
    ['根据以下案情，本案应当适用《中华人民共和国刑法》的哪些条文？', '请指出下面案件适用的刑法条文。'],
    random,
  );
  const lines = [
    `本案应当适用《${CRIMINAL_LAW}》${item.articles.map((number) => formatArticleLabel(number)).join('、')}。`,
  ];
  for (const number of item.articles) {
    const article = context.knowledgeBase.findArticle({ law: CRIMINAL_LAW, number });
    if (article) lines.push(`${label(article)}：${article.text}`);
  }
  return {
    instruction,
    input: item.fact,
    output: lines.join('\n'),
    template: 'case-article',
    provenance: caseProvenance(item),
  };
}

/** `case-term`: the sentence imposed in the case. */
export function caseTerm(item: CailCase, random: Random): InstructionRecord | undefined {
  if (item.accusations.length === 0) return undefined;
  const instruction = pick(
    ['根据以下案情，预测被告人可能被判处的刑罚。', '请根据案件事实预测刑期。'],
    random,
  );
  let sentence: string;
  if (item.deathPenalty) sentence = '死刑';
  else if (item.lifeImprisonment) sentence = '无期徒刑';
  else if (item.imprisonmentMonths > 0) sentence = `${item.imprisonmentMonths}个月的刑期`;
  else sentence = '非监禁刑或免予刑事处罚（刑期为0个月）';
  const fine = item.punishOfMoney > 0 ? `，并处罚金${item.punishOfMoney}元` : '';
  const output = `被告人的行为构成${item.accusations.map((name) => `${name}罪`).join('、')}，可能被判处${sentence}${fine}。`;
  return { instruction, input: item.fact, output, template: 'case-term', provenance: caseProvenance(item) };
}
