import { KNOWLEDGE_TEMPLATES } from '@lawgpt/data-gen';
import { type Command, UsageError } from '../command.js';
import { INSTRUCTION_FORMATS } from '../option-choices.js';
import { seedOption } from '../seed.js';
import { runDecontaminate, runExam } from './data-exam.js';
import { runCorpus, runKb, runKnowledgeInstruct } from './data-jobs.js';
import { runTeacherJob } from './teacher-jobs.js';

const SUBCOMMANDS = [
  'kb',
  'knowledge-instruct',
  'corpus',
  'self-instruct',
  'clean',
  'exam',
  'decontaminate',
] as const;

/** `lawgpt data`: knowledge base, knowledge-driven instructions, pretraining corpus, self-instruct, cleaning. */
export const dataCommand: Command = {
  name: 'data',
  summary:
    'Legal knowledge base, instruction data (templates, exam questions or a teacher), pretraining corpus, cleaning, decontamination',
  usage: `lawgpt data <${SUBCOMMANDS.join('|')}> [options]`,
  options: {
    laws: {
      type: 'string',
      valueName: 'DIR',
      description:
        'Statute Markdown folder (LawRefBook layout) [kb, knowledge-instruct, corpus, exam; decontaminate: statute text is no evidence]',
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
      choices: INSTRUCTION_FORMATS,
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
    seed: seedOption('Seed for sampling and shuffles'),
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
      description: 'Instruction records (JSON array or JSONL) to clean or check [clean, decontaminate]',
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
      description: 'OpenAI-compatible API base, e.g. https://api.openai.com/v1 [self-instruct, clean, exam]',
    },
    'api-key': {
      type: 'string',
      valueName: 'KEY',
      description: 'API key (default $OPENAI_API_KEY) [self-instruct, clean, exam]',
    },
    model: {
      type: 'string',
      valueName: 'NAME',
      description: 'Teacher model name [self-instruct, clean, exam]',
    },
    concurrency: {
      type: 'string',
      valueName: 'N',
      default: '4',
      description: 'Requests in flight [self-instruct, clean, exam]',
    },
    'timeout-ms': {
      type: 'string',
      valueName: 'MS',
      default: '60000',
      description: 'Per-request timeout [self-instruct, clean, exam]',
    },
    'max-retries': {
      type: 'string',
      valueName: 'N',
      default: '5',
      description: 'Retries on 429/5xx/timeouts [self-instruct, clean, exam]',
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
    questions: {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description:
        'Exam questions: DISC-Law-Eval CSV, JEC-QA JSON/JSONL, or a folder (repeatable) [exam, decontaminate]',
    },
    'question-format': {
      type: 'string',
      valueName: 'disc|jec-qa',
      description:
        'Layout of --questions (default: .csv → disc, .json/.jsonl → jec-qa) [exam, decontaminate]',
    },
    articles: {
      type: 'string',
      valueName: 'N',
      default: '2',
      description: 'Statute articles retrieved per question (BM25) [exam]',
    },
    'min-score': {
      type: 'string',
      valueName: 'X',
      default: '40',
      description: 'Without a teacher: drop a question whose best article scores below this [exam]',
    },
    lawbench: {
      type: 'string',
      valueName: 'DIR',
      description: 'LawBench data folder (zero_shot/<task>.json) [decontaminate]',
    },
    tasks: {
      type: 'string',
      valueName: 'LIST',
      description: 'LawBench tasks, e.g. 1-2,3-6 (default all) [decontaminate]',
    },
    disc: {
      type: 'string',
      valueName: 'DIR',
      description:
        'DISC-Law-Eval folder (objective/*.csv, subjective/*.json), a task per file [decontaminate]',
    },
    benchmark: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        'Any JSONL (or JSON array) evaluation set (question/input/instruction/text field) (repeatable) [decontaminate]',
    },
    ngram: {
      type: 'string',
      valueName: 'N',
      default: '13',
      description: 'Characters per n-gram [decontaminate]',
    },
    'min-coverage': {
      type: 'string',
      valueName: 'X',
      default: '0.5',
      description: "Flag a record holding this fraction of an item's n-grams [decontaminate]",
    },
    'min-shared': {
      type: 'string',
      valueName: 'N',
      default: '50',
      description: '…or this many of them [decontaminate]',
    },
    'min-similarity': {
      type: 'string',
      valueName: 'X',
      default: '0.3',
      description: 'Also flag a record whose MinHash similarity to an item reaches X [decontaminate]',
    },
    'no-minhash': { type: 'boolean', description: 'Only the n-gram detector [decontaminate]' },
    report: {
      type: 'string',
      valueName: 'FILE',
      description: 'Overlap report JSON (default OUTPUT.decontamination.json) [decontaminate]',
    },
  },
  details: `Subcommands:
  kb                  Load statutes; print counts, one law, or one article (--law, --article); --accu links charges
  knowledge-instruct  Teacher-free instruction data from statutes, charges and CAIL cases, with a dataset card
  corpus              Pretraining corpus: clean, exact + MinHash near-dup removal, JSONL {"content"} shards, stats
  self-instruct       Alpaca self-instruct in Chinese through an OpenAI-compatible teacher; resumable
  clean               Teacher rewrite/cleaning pass over instruction records; resumable
  exam                Exam questions → records: answer + explanation from BM25-retrieved articles, or a teacher; resumable
  decontaminate       Drop records overlapping LawBench/DISC/any JSONL (13-grams, MinHash); JSON report per task
Examples:
  lawgpt data kb --laws ../shared/data/laws/md --law 刑法 --article 133之一
  lawgpt data knowledge-instruct --laws ../shared/data/laws/md --law 刑法 --law 民法典 \\
      --cail ../shared/data/cail2018/data_train.json --accu ../shared/data/cail2018/accu.txt --limit 2000 \\
      -o /tmp/lawgpt/train.json
  lawgpt data corpus --laws ../shared/data/laws/md --cail ../shared/data/cail2018/data_train.json \\
      -o /tmp/lawgpt/corpus --threshold 0.8
  lawgpt data self-instruct --seeds seed_tasks.jsonl --base-url https://api.openai.com/v1 --model gpt-4o-mini \\
      --num 1000 -o /tmp/lawgpt/generated.jsonl      # seed_tasks.jsonl: your own {instruction, input, output} lines
  lawgpt data clean --input /tmp/lawgpt/generated.jsonl --base-url http://127.0.0.1:8000/v1 --model qwen \\
      -o /tmp/lawgpt/cleaned.jsonl
  lawgpt data exam --questions ../shared/data/disc-law-eval/objective --laws ../shared/data/laws/md \\
      -o /tmp/lawgpt/exam.jsonl
  lawgpt data decontaminate --input /tmp/lawgpt/train.json --lawbench ../shared/data/lawbench \\
      --disc ../shared/data/disc-law-eval --laws ../shared/data/laws/md -o /tmp/lawgpt/train.clean.json
Self-instruct, clean and exam append record by record and resume when rerun; Ctrl-C stops them cleanly.`,
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
      case 'exam':
        return runExam(args.values, io);
      case 'decontaminate':
        return runDecontaminate(args.values, io);
      default:
        throw new UsageError(
          `expected a subcommand: ${SUBCOMMANDS.join(', ')}${subcommand ? ` (got '${subcommand}')` : ''}`,
        );
    }
  },
};
