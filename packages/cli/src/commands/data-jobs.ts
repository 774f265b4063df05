// The jobs behind `lawgpt data <subcommand>`: argument checks and wiring around @lawgpt/data-gen.
import { join } from 'node:path';
import { parseArticleLabel } from '@lawgpt/common';
import {
  buildCorpus,
  buildDatasetCard,
  buildKnowledgeInstructions,
  type Charge,
  type CorpusSource,
  formatArticleLabel,
  formatDatasetCard,
  KNOWLEDGE_TEMPLATES,
  type KnowledgeBase,
  linkCharges,
  loadChargeTables,
  loadKnowledgeBase,
  parseChargeList,
  readCailCases,
  readTextFile,
  type StatuteWarning,
  writeFileAtomic,
  writeInstructionDataset,
} from '@lawgpt/data-gen';
import { type CommandIO, type ParsedArgs, UsageError } from '../command.js';
import { runInterruptible } from '../interrupt.js';
import { INSTRUCTION_FORMATS } from '../option-choices.js';
import {
  choiceList,
  choiceValue,
  nonNegativeInteger as integer,
  repeatedValues,
  requireString,
} from '../option-values.js';

type Values = ParsedArgs['values'];

/** `133`, `133之一`, `133-1`, `第一百三十三条之一` → number and suffix. */
function parseArticle(text: string): { number: number; suffix: number } {
  const article = parseArticleLabel(text);
  if (!article)
    throw new UsageError(`--article expects 133, 133之一, 133-1 or 第一百三十三条之一, got '${text}'`);
  return article;
}

async function loadBase(values: Values, io: CommandIO, signal?: AbortSignal): Promise<KnowledgeBase> {
  const root = requireString(values.laws, '--laws');
  const started = Date.now();
  const knowledgeBase = await loadKnowledgeBase({
    root,
    signal,
    onProgress: ({ files, totalFiles }) => {
      if (files % 100 === 0 || files === totalFiles) io.stderr(`\rstatutes: ${files}/${totalFiles} files`);
    },
  });
  io.stderr(
    `\rstatutes: ${knowledgeBase.laws().length} laws, ${knowledgeBase.articleCount} articles (${Date.now() - started} ms)\n`,
  );
  io.stderr(formatWarnings(knowledgeBase.warnings()));
  return knowledgeBase;
}

const WARNING_NAMES: Record<StatuteWarning['kind'], string> = {
  'duplicate-article': 'repeated article numbers (every copy kept)',
  'unparseable-article': 'unparseable article labels (kept apart)',
  'no-articles': 'files without articles',
};

/** One line per kind of statute warning, with up to 5 examples (file:line, or the file for one without articles). */
function formatWarnings(warnings: StatuteWarning[]): string {
  if (warnings.length === 0) return 'statutes: no warnings\n';
  const lines = [`statutes: ${warnings.length} warnings`];
  for (const [kind, name] of Object.entries(WARNING_NAMES)) {
    const ofKind = warnings.filter((warning) => warning.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`  ${ofKind.length} ${name}`);
    for (const warning of ofKind.slice(0, 5))
      lines.push(
        `    ${warning.path}${kind === 'no-articles' ? '' : `:${warning.line}: ${warning.message}`}`,
      );
    if (ofKind.length > 5) lines.push(`    … and ${ofKind.length - 5} more`);
  }
  return `${lines.join('\n')}\n`;
}

async function loadCharges(
  values: Values,
  knowledgeBase: KnowledgeBase,
  cases: { accusations: string[]; articles: number[] }[],
): Promise<Charge[]> {
  const table = await loadChargeTables({ root: requireString(values.laws, '--laws') });
  const names =
    typeof values.accu === 'string'
      ? parseChargeList(await readTextFile(values.accu, 'a charge list (one name per line)'))
      : table.map((charge) => charge.name);
  return linkCharges({ names, table, cases, knowledgeBase });
}

export async function runKb(values: Values, io: CommandIO): Promise<number> {
  const knowledgeBase = await loadBase(values, io);
  const [law] = repeatedValues(values.law);
  const print = (value: unknown, text: string) =>
    io.stdout(values.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
  if (law && typeof values.article === 'string') {
    const article = knowledgeBase.getArticle({ law, ...parseArticle(values.article) });
    print(
      article,
      `《${article.law}》${formatArticleLabel(article.number, article.suffix)}（${article.headings.join(' · ')}）\n${article.text}`,
    );
    return 0;
  }
  if (law) {
    const { articles, ...entry } = knowledgeBase.law(law);
    const inserted = articles.filter((article) => article.suffix > 0).length;
    print(
      { ...entry, articles: articles.length, insertedArticles: inserted },
      `${entry.law} (version ${entry.versionDate ?? 'undated'}): ${articles.length} articles (${articles.length - inserted} numbered + ${inserted} 之X)\nfiles: ${entry.paths.join(', ')}`,
    );
    return 0;
  }
  const summary: Record<string, unknown> = {
    laws: knowledgeBase.laws().length,
    articles: knowledgeBase.articleCount,
  };
  let text = `${summary.laws} laws, ${summary.articles} articles`;
  if (typeof values.accu === 'string') {
    const charges = await loadCharges(values, knowledgeBase, []);
    const linked = charges.filter((charge) => charge.articles.length > 0).length;
    summary.charges = { total: charges.length, linked };
    text += `\ncharges: ${linked}/${charges.length} linked to 刑法 articles`;
  }
  print(summary, text);
  return 0;
}

export async function runKnowledgeInstruct(values: Values, io: CommandIO): Promise<number> {
  const output = requireString(values.output, '--output');
  const messages = {
    finishing: 'stopping before anything is written',
    stopped: () => `nothing written to ${output}; rerun the same command`,
  };
  return runInterruptible('knowledge-instruct', io, messages, (signal) =>
    knowledgeInstruct(values, io, output, signal),
  );
}

async function knowledgeInstruct(
  values: Values,
  io: CommandIO,
  output: string,
  signal: AbortSignal,
): Promise<number> {
  const templates =
    values.templates === undefined
      ? undefined
      : choiceList(values.templates, '--templates', KNOWLEDGE_TEMPLATES);
  if (templates?.length === 0)
    throw new UsageError(`--templates names none of ${KNOWLEDGE_TEMPLATES.join(',')}`);
  const format = choiceValue(values.format, '--format', INSTRUCTION_FORMATS);
  const knowledgeBase = await loadBase(values, io, signal);
  const cases = (await Promise.all(repeatedValues(values.cail).map((path) => readCailCases(path)))).flat();
  const charges = await loadCharges(values, knowledgeBase, cases);
  const seed = integer(values.seed, '--seed');
  const laws = repeatedValues(values.law);
  const records = buildKnowledgeInstructions({
    knowledgeBase,
    charges,
    cases,
    templates,
    laws: laws.length ? laws : undefined,
    limit: values.limit === undefined ? undefined : integer(values.limit, '--limit'),
    seed,
  });
  if (records.length === 0) {
    throw new UsageError(
      `no instruction records built (laws: ${laws.join(', ') || 'all'}); check --law and --templates`,
    );
  }
  signal.throwIfAborted();
  await writeInstructionDataset({ records, path: output, format, metadata: !values['no-metadata'] });
  const card = buildDatasetCard({ records, seed });
  const cardPath = typeof values.card === 'string' ? values.card : `${output}.card.md`;
  await writeFileAtomic(cardPath, formatDatasetCard(card));
  await writeFileAtomic(`${cardPath.replace(/\.md$/, '')}.json`, `${JSON.stringify(card, null, 2)}\n`);
  io.stderr(
    `cases: ${cases.length}, charges linked: ${charges.filter((charge) => charge.articles.length).length}\n`,
  );
  io.stdout(
    `${records.length} records → ${output}\n${Object.entries(card.templates)
      .map(([name, count]) => `  ${name}: ${count}`)
      .join('\n')}\n`,
  );
  return 0;
}

export async function runCorpus(values: Values, io: CommandIO): Promise<number> {
  const outDir = requireString(values.output, '--output');
  const sources: CorpusSource[] = [];
  if (typeof values.laws === 'string')
    sources.push({ kind: 'markdown', root: values.laws, name: 'statutes' });
  for (const path of repeatedValues(values.cail)) sources.push({ kind: 'jsonl', path, field: 'fact' });
  for (const path of repeatedValues(values.jsonl)) sources.push({ kind: 'jsonl', path });
  for (const path of repeatedValues(values.text)) sources.push({ kind: 'text', path });
  if (sources.length === 0) throw new UsageError('give at least one of --laws, --cail, --jsonl, --text');
  const threshold = values.threshold === 'none' ? null : Number(values.threshold);
  if (threshold !== null && !(threshold > 0 && threshold <= 1))
    throw new UsageError(`--threshold expects (0, 1] or none, got '${values.threshold}'`);
  const messages = {
    finishing: 'stopping before the next document',
    stopped: () =>
      `the corpus in ${outDir} is incomplete (no corpus-stats.json); rerun the same command to build it`,
  };
  return runInterruptible('corpus', io, messages, (signal) =>
    writeCorpus(sources, outDir, threshold, values, io, signal),
  );
}

async function writeCorpus(
  sources: CorpusSource[],
  outDir: string,
  threshold: number | null,
  values: Values,
  io: CommandIO,
  signal: AbortSignal,
): Promise<number> {
  const stats = await buildCorpus({
    sources,
    outDir,
    signal,
    shardSize: integer(values['shard-size'], '--shard-size'),
    nearDuplicateThreshold: threshold,
    minCharacters: integer(values['min-chars'], '--min-chars'),
    onProgress: ({ documents, kept, documentsPerSecond, source }) =>
      io.stderr(
        `\rcorpus: ${documents} documents read, ${kept} kept (${Math.round(documentsPerSecond)}/s) [${source}]   `,
      ),
  });
  io.stderr('\n');
  io.stdout(
    `${stats.documentsOut}/${stats.documentsIn} documents kept, ${stats.charactersOut} characters in ${stats.shards.length} shard(s) → ${outDir}\n` +
      `removed: ${stats.exactDuplicates} exact duplicates, ${stats.nearDuplicates} near duplicates, ${stats.tooShort} too short\n` +
      `stats: ${join(outDir, 'corpus-stats.json')}\n`,
  );
  return 0;
}
