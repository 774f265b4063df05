import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildCorpus,
  buildDatasetCard,
  buildKnowledgeInstructions,
  type Charge,
  type CorpusSource,
  cleanInstructions,
  createChatClient,
  formatArticleLabel,
  formatDatasetCard,
  type InstructionRecord,
  KNOWLEDGE_TEMPLATES,
  type KnowledgeBase,
  type KnowledgeTemplate,
  linkCharges,
  loadChargeTables,
  loadKnowledgeBase,
  parseChargeList,
  parseJsonl,
  parseSeedTasks,
  readCailCases,
  runSelfInstruct,
  writeFileAtomic,
  writeInstructionDataset,
} from '@lawgpt/data-gen';
import { type Command, type CommandIO, type ParsedArgs, UsageError } from '../command.js';

type Values = ParsedArgs['values'];

const SUBCOMMANDS = ['kb', 'knowledge-instruct', 'corpus', 'self-instruct', 'clean'] as const;

/** `lawgpt data`: knowledge base, knowledge-driven instructions, pretraining corpus, self-instruct, cleaning. */
export const dataCommand: Command = {
  name: 'data',
  summary: 'Legal knowledge base, instruction data (templates or a teacher), pretraining corpus, cleaning',
  usage: `lawgpt data <${SUBCOMMANDS.join('|')}> [options]`,
  options: {
    laws: {
      type: 'string',
      valueName: 'DIR',
      description: 'Statute Markdown folder (LawRefBook layout) [kb, knowledge-instruct, corpus]',
    },
    law: {
      type: 'string',
      multiple: true,
      valueName: 'NAME',
      description: 'Law to show or use, e.g. 刑法 (repeatable) [kb, knowledge-instruct]',
    },
    article: { type: 'string', valueName: 'N', description: 'Article to show: 133, 133之一 or 133-1 [kb]' },
    cail: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'CAIL-style JSONL cases (repeatable) [knowledge-instruct, corpus]',
    },
    accu: {
      type: 'string',
      valueName: 'FILE',
      description: 'Charge names, one per line (CAIL accu.txt) [kb, knowledge-instruct]',
    },
    text: {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description: 'Plain-text file or folder of .txt (repeatable) [corpus]',
    },
    jsonl: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'JSONL with a "content"/"text" field (repeatable) [corpus]',
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'PATH',
      description: 'Output file (instructions) or folder (corpus)',
    },
    format: {
      type: 'string',
      valueName: 'json|jsonl',
      description: 'Instruction output format (default: from the extension)',
    },
    card: {
      type: 'string',
      valueName: 'FILE',
      description:
        'Dataset card Markdown, plus a .json beside it (default OUTPUT.card.md) [knowledge-instruct]',
    },
    templates: {
      type: 'string',
      valueName: 'LIST',
      description: `Comma-separated templates: ${KNOWLEDGE_TEMPLATES.join(',')}`,
    },
    limit: {
      type: 'string',
      valueName: 'N',
      description: 'Records at most, spread over templates [knowledge-instruct]',
    },
    'no-metadata': {
      type: 'boolean',
      description: 'Write only instruction/input/output (no template/provenance)',
    },
    seed: { type: 'string', valueName: 'N', default: '0', description: 'Seed for sampling and shuffles' },
    'shard-size': {
      type: 'string',
      valueName: 'N',
      default: '10000',
      description: 'Documents per corpus shard [corpus]',
    },
    threshold: {
      type: 'string',
      valueName: 'X',
      default: '0.8',
      description: 'Near-duplicate MinHash Jaccard threshold, or "none" [corpus]',
    },
    'min-chars': {
      type: 'string',
      valueName: 'N',
      default: '10',
      description: 'Drop documents shorter than this [corpus]',
    },
    seeds: {
      type: 'string',
      valueName: 'FILE',
      description: 'Seed tasks JSONL (Alpaca seed_tasks format or flat) [self-instruct]',
    },
    input: {
      type: 'string',
      valueName: 'FILE',
      description: 'Instruction records (JSON array or JSONL) to clean [clean]',
    },
    num: {
      type: 'string',
      valueName: 'N',
      default: '100',
      description: 'Records to keep in total [self-instruct]',
    },
    'base-url': {
      type: 'string',
      valueName: 'URL',
      description: 'OpenAI-compatible API base, e.g. https://api.openai.com/v1 [self-instruct, clean]',
    },
    'api-key': {
      type: 'string',
      valueName: 'KEY',
      description: 'API key (default $OPENAI_API_KEY) [self-instruct, clean]',
    },
    model: { type: 'string', valueName: 'NAME', description: 'Teacher model name [self-instruct, clean]' },
    concurrency: {
      type: 'string',
      valueName: 'N',
      default: '4',
      description: 'Requests in flight [self-instruct, clean]',
    },
    'timeout-ms': {
      type: 'string',
      valueName: 'MS',
      default: '60000',
      description: 'Per-request timeout [self-instruct, clean]',
    },
    'max-retries': {
      type: 'string',
      valueName: 'N',
      default: '5',
      description: 'Retries on 429/5xx/timeouts [self-instruct, clean]',
    },
    'max-requests': { type: 'string', valueName: 'N', description: 'Stop after N requests [self-instruct]' },
    examples: {
      type: 'string',
      valueName: 'K',
      default: '3',
      description: 'Seed examples per prompt [self-instruct]',
    },
    tokenizer: {
      type: 'string',
      valueName: 'jieba|char',
      default: 'jieba',
      description: 'ROUGE-L tokens for the 0.7 dedup [self-instruct]',
    },
    json: { type: 'boolean', description: 'Print JSON instead of text [kb]' },
  },
  details: `Subcommands:
  kb                  Load statutes; print counts, one law, or one article (--law, --article); --accu links charges
  knowledge-instruct  Teacher-free instruction data from statutes, charges and CAIL cases, with a dataset card
  corpus              Pretraining corpus: clean, exact + MinHash near-dup removal, JSONL {"content"} shards, stats
  self-instruct       Alpaca self-instruct in Chinese through an OpenAI-compatible teacher; resumable
  clean               Teacher rewrite/cleaning pass over instruction records; resumable
Examples:
  lawgpt data kb --laws shared/data/laws/md --law 刑法 --article 133之一
  lawgpt data knowledge-instruct --laws shared/data/laws/md --law 刑法 --law 民法典 --cail data_train.json \\
      --accu accu.txt --limit 20000 --seed 1 -o train.json
  lawgpt data corpus --laws shared/data/laws/md --cail data_train.json --text judgments/ -o corpus/ --threshold 0.8
  lawgpt data self-instruct --seeds seed_tasks.jsonl --base-url https://api.openai.com/v1 --model gpt-3.5-turbo \\
      --num 1000 -o generated.jsonl
  lawgpt data clean --input generated.jsonl --base-url http://127.0.0.1:8000/v1 --model qwen -o cleaned.jsonl
Self-instruct and clean append record by record and resume when rerun; Ctrl-C stops them cleanly.`,
  async run(args, io) {
    const [subcommand] = args.positionals;
    switch (subcommand) {
      case 'kb':
        return runKb(args.values, io);
      case 'knowledge-instruct':
        return runKnowledgeInstruct(args.values, io);
      case 'corpus':
        return runCorpus(args.values, io);
      case 'self-instruct':
        return runTeacherJob(args.values, io, 'self-instruct');
      case 'clean':
        return runTeacherJob(args.values, io, 'clean');
      default:
        throw new UsageError(
          `expected a subcommand: ${SUBCOMMANDS.join(', ')}${subcommand ? ` (got '${subcommand}')` : ''}`,
        );
    }
  },
};

function requireString(value: Values[string], flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

function integer(value: Values[string], flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new UsageError(`${flag} expects a non-negative integer, got '${value}'`);
  return number;
}

function list(value: Values[string]): string[] {
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

/** `133`, `133之一`, `133-1`, `第一百三十三条之一` → number and suffix. */
function parseArticle(text: string): { number: number; suffix: number } {
  const match = /^(?:第)?(\d+)(?:条)?(?:(?:之|-)(\d+|[一二三四五六七八九十]+))?$/.exec(text.trim());
  if (!match) throw new UsageError(`--article expects 133, 133之一 or 133-1, got '${text}'`);
  const suffixes = '一二三四五六七八九十';
  const suffix =
    match[2] === undefined ? 0 : /^\d+$/.test(match[2]) ? Number(match[2]) : suffixes.indexOf(match[2]) + 1;
  return { number: Number(match[1]), suffix };
}

async function loadBase(values: Values, io: CommandIO): Promise<KnowledgeBase> {
  const root = requireString(values.laws, '--laws');
  const started = Date.now();
  const knowledgeBase = await loadKnowledgeBase({
    root,
    onProgress: ({ files, totalFiles }) => {
      if (files % 100 === 0 || files === totalFiles) io.stderr(`\rstatutes: ${files}/${totalFiles} files`);
    },
  });
  io.stderr(
    `\rstatutes: ${knowledgeBase.laws().length} laws, ${knowledgeBase.articleCount} articles (${Date.now() - started} ms)\n`,
  );
  return knowledgeBase;
}

async function loadCharges(
  values: Values,
  knowledgeBase: KnowledgeBase,
  cases: { accusations: string[]; articles: number[] }[],
): Promise<Charge[]> {
  const table = await loadChargeTables({ root: requireString(values.laws, '--laws') });
  const names =
    typeof values.accu === 'string'
      ? parseChargeList(await readFile(values.accu, 'utf8'))
      : table.map((charge) => charge.name);
  return linkCharges({ names, table, cases, knowledgeBase });
}

async function runKb(values: Values, io: CommandIO): Promise<number> {
  const knowledgeBase = await loadBase(values, io);
  const [law] = list(values.law);
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

async function runKnowledgeInstruct(values: Values, io: CommandIO): Promise<number> {
  const output = requireString(values.output, '--output');
  const knowledgeBase = await loadBase(values, io);
  const cases = (await Promise.all(list(values.cail).map((path) => readCailCases(path)))).flat();
  const charges = await loadCharges(values, knowledgeBase, cases);
  const templates =
    typeof values.templates === 'string' ? (values.templates.split(',') as KnowledgeTemplate[]) : undefined;
  const seed = integer(values.seed, '--seed');
  const laws = list(values.law);
  const records = buildKnowledgeInstructions({
    knowledgeBase,
    charges,
    cases,
    templates,
    laws: laws.length ? laws : undefined,
    limit: values.limit === undefined ? undefined : integer(values.limit, '--limit'),
    seed,
  });
  const format = values.format === undefined ? undefined : (values.format as 'json' | 'jsonl');
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

async function runCorpus(values: Values, io: CommandIO): Promise<number> {
  const outDir = requireString(values.output, '--output');
  const sources: CorpusSource[] = [];
  if (typeof values.laws === 'string')
    sources.push({ kind: 'markdown', root: values.laws, name: 'statutes' });
  for (const path of list(values.cail)) sources.push({ kind: 'jsonl', path, field: 'fact' });
  for (const path of list(values.jsonl)) sources.push({ kind: 'jsonl', path });
  for (const path of list(values.text)) sources.push({ kind: 'text', path });
  if (sources.length === 0) throw new UsageError('give at least one of --laws, --cail, --jsonl, --text');
  const threshold = values.threshold === 'none' ? null : Number(values.threshold);
  if (threshold !== null && !(threshold > 0 && threshold <= 1))
    throw new UsageError(`--threshold expects (0, 1] or none, got '${values.threshold}'`);
  const stats = await buildCorpus({
    sources,
    outDir,
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

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  return seconds >= 60
    ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`
    : `${Math.round(seconds)}s`;
}

async function readRecords(path: string): Promise<InstructionRecord[]> {
  const text = await readFile(path, 'utf8');
  const rows = text.trimStart().startsWith('[')
    ? (JSON.parse(text) as InstructionRecord[])
    : parseJsonl<InstructionRecord>(text, { path });
  // Plain Alpaca rows (no template/provenance) are accepted too.
  return rows.map((row) => ({
    ...row,
    input: row.input ?? '',
    template: row.template ?? 'input',
    provenance: row.provenance ?? { kind: 'seed' },
  }));
}

async function runTeacherJob(values: Values, io: CommandIO, job: 'self-instruct' | 'clean'): Promise<number> {
  const outputPath = requireString(values.output, '--output');
  const apiKey = typeof values['api-key'] === 'string' ? values['api-key'] : process.env.OPENAI_API_KEY;
  const controller = new AbortController();
  const onSignal = () => {
    io.stderr('\nstopping (rerun the same command to resume)…\n');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    const client = createChatClient({
      baseUrl: requireString(values['base-url'], '--base-url'),
      apiKey,
      model: requireString(values.model, '--model'),
      concurrency: integer(values.concurrency, '--concurrency'),
      timeoutMs: integer(values['timeout-ms'], '--timeout-ms'),
      maxRetries: integer(values['max-retries'], '--max-retries'),
      signal: controller.signal,
      onRetry: ({ attempt, delayMs, reason }) =>
        io.stderr(`\nretry ${attempt} after ${reason} in ${delayMs} ms\n`),
    });
    if (job === 'clean') {
      const records = await readRecords(requireString(values.input, '--input'));
      const result = await cleanInstructions({
        records,
        client,
        outputPath,
        batchSize: integer(values.concurrency, '--concurrency'),
        onProgress: (progress) =>
          io.stderr(
            `\rclean: ${progress.done}/${progress.total} rewritten ${progress.counts.rewritten} dropped ${progress.counts.dropped} unparseable ${progress.counts.unparseable} failed ${progress.counts.failed} | ${progress.recordsPerSecond.toFixed(2)}/s ETA ${formatEta(progress.etaSeconds)}   `,
          ),
      });
      io.stderr('\n');
      io.stdout(
        `${result.done}/${result.total} records handled → ${outputPath} (${JSON.stringify(result.counts)})\n`,
      );
      return 0;
    }
    const seedPath = requireString(values.seeds, '--seeds');
    const seedTasks = parseSeedTasks(await readFile(seedPath, 'utf8'), { path: seedPath });
    const result = await runSelfInstruct({
      seedTasks,
      client,
      outputPath,
      target: integer(values.num, '--num'),
      examplesPerPrompt: integer(values.examples, '--examples'),
      requestsPerRound: integer(values.concurrency, '--concurrency'),
      maxRequests:
        values['max-requests'] === undefined ? undefined : integer(values['max-requests'], '--max-requests'),
      tokenizer: values.tokenizer === 'char' ? 'char' : 'jieba',
      seed: integer(values.seed, '--seed'),
      signal: controller.signal,
      onProgress: (progress) => {
        const rejected =
          Object.entries(progress.rejected)
            .map(([reason, count]) => `${reason} ${count}`)
            .join(', ') || 'none';
        io.stderr(
          `\rself-instruct: kept ${progress.kept}/${progress.target} (resumed ${progress.resumed}) requests ${progress.requests} rejected: ${rejected} | ${progress.keptPerSecond.toFixed(2)}/s ETA ${formatEta(progress.etaSeconds)}   `,
        );
      },
    });
    io.stderr('\n');
    io.stdout(`${result.kept} records → ${outputPath} after ${result.requests} requests\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
