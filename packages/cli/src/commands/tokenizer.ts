import { readFile } from 'node:fs/promises';
import {
  extendTokenizer,
  listCorpusFiles,
  loadTokenizer,
  readCorpusFile,
  tokenStats,
  trainVocabulary,
} from '@lawgpt/tokenizer-legal';
import { type Command, type CommandIO, type ParsedArgs, UsageError } from '../command.js';
import { repeatedValues } from '../option-values.js';

type Values = ParsedArgs['values'];
const SUBCOMMANDS = ['encode', 'decode', 'convert', 'train', 'extend', 'stats'] as const;

function text(values: Values, key: string): string | undefined {
  const value = values[key];
  return typeof value === 'string' ? value : undefined;
}
function list(values: Values, key: string): string[] {
  return repeatedValues(values[key]);
}
function required(values: Values, key: string, subcommand: string): string {
  const value = text(values, key);
  if (value === undefined) throw new UsageError(`tokenizer ${subcommand} needs --${key}`);
  return value;
}
function integer(values: Values, key: string, fallback: number): number {
  const value = text(values, key);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new UsageError(`--${key} must be a positive integer, got ${value}`);
  return number;
}

/** Inputs of encode/decode: positionals, else the lines of --input. */
async function inputLines(args: ParsedArgs): Promise<string[]> {
  const file = text(args.values, 'input');
  if (file !== undefined) {
    const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }
  if (args.positionals.length > 1) return args.positionals.slice(1);
  throw new UsageError('give the text as arguments or --input FILE');
}

async function encode(args: ParsedArgs, io: CommandIO): Promise<number> {
  const tokenizer = await loadTokenizer(required(args.values, 'tokenizer', 'encode'));
  const options = { addBos: args.values.bos === true, addEos: args.values.eos === true };
  for (const line of await inputLines(args)) {
    if (args.values.pieces === true) io.stdout(`${tokenizer.encodePieces(line).join(' ')}\n`);
    else io.stdout(`${tokenizer.encode(line, options).join(' ')}\n`);
  }
  return 0;
}

async function decode(args: ParsedArgs, io: CommandIO): Promise<number> {
  const tokenizer = await loadTokenizer(required(args.values, 'tokenizer', 'decode'));
  const lines =
    text(args.values, 'input') !== undefined ? await inputLines(args) : [args.positionals.slice(1).join(' ')];
  for (const line of lines) {
    const ids = line
      .split(/[\s,]+/)
      .filter((part) => part.length > 0)
      .map((part) => {
        const id = Number(part);
        if (!Number.isInteger(id)) throw new UsageError(`not an id: ${part}`);
        return id;
      });
    io.stdout(`${tokenizer.decode(ids, { skipSpecial: args.values['keep-special'] !== true })}\n`);
  }
  return 0;
}

async function convert(args: ParsedArgs, io: CommandIO): Promise<number> {
  const tokenizer = await loadTokenizer(required(args.values, 'tokenizer', 'convert'));
  const written = await tokenizer.save(required(args.values, 'output', 'convert'));
  for (const path of written) io.stdout(`${path}\n`);
  return 0;
}

async function train(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { values } = args;
  const inputs = list(values, 'input');
  if (inputs.length === 0) throw new UsageError('tokenizer train needs --input (file or folder; repeatable)');
  const modelType = text(values, 'model-type') ?? 'unigram';
  if (modelType !== 'bpe' && modelType !== 'unigram')
    throw new UsageError(`--model-type must be bpe or unigram, got ${modelType}`);
  const coverage = Number(text(values, 'character-coverage') ?? '0.9995');
  if (!(coverage > 0 && coverage <= 1)) throw new UsageError('--character-coverage must be in (0, 1]');
  const result = await trainVocabulary({
    inputs,
    output: required(values, 'output', 'train'),
    vocabSize: integer(values, 'vocab-size', 8000),
    modelType,
    characterCoverage: coverage,
    userDefinedSymbolsFile: text(values, 'user-defined'),
    textField: text(values, 'text-field') ?? 'text',
    onProgress: (event) => {
      const eta = event.etaSeconds !== undefined ? `, ETA ${event.etaSeconds.toFixed(0)} s` : '';
      const total = event.total !== undefined ? `/${event.total}` : '';
      const unit = event.phase === 'corpus' ? ' lines' : ' pieces';
      io.stderr(
        `\r${event.phase}: ${event.step}${total}${unit} (${event.elapsedSeconds.toFixed(1)} s${eta})   `,
      );
      if (event.phase === 'done') io.stderr('\n');
    },
  });
  const symbols = result.userDefinedSymbols;
  io.stdout(
    `${result.modelPath}: ${result.tokenizer.vocabSize} pieces (${result.tokenizer.modelType}) from ${result.files} files, ` +
      `${result.sentences} lines; user-defined ${symbols.unique} unique (${symbols.duplicatesDropped} duplicates dropped)\n`,
  );
  return 0;
}

async function extend(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { values } = args;
  const base = await loadTokenizer(required(values, 'tokenizer', 'extend'));
  const addition = required(values, 'add', 'extend');
  const additions = /\.(txt|vocab)$/.test(addition)
    ? (await readFile(addition, 'utf8')).split(/\r?\n/).map((line) => line.split('\t')[0])
    : await loadTokenizer(addition);
  const { tokenizer, report } = extendTokenizer(base, additions);
  const written = await tokenizer.save(required(values, 'output', 'extend'));
  io.stdout(
    `${report.baseSize} + ${report.added} = ${report.vocabSize} pieces (already present ${report.alreadyPresent}, ` +
      `duplicates dropped ${report.duplicatesDropped}, empty ${report.emptyDropped}, unreachable by BPE ${report.unreachable})\n`,
  );
  for (const path of written) io.stdout(`${path}\n`);
  return 0;
}

async function stats(args: ParsedArgs, io: CommandIO): Promise<number> {
  const { values } = args;
  const tokenizerPaths = list(values, 'tokenizer');
  if (tokenizerPaths.length === 0) throw new UsageError('tokenizer stats needs --tokenizer (repeatable)');
  const inputs = list(values, 'input');
  if (inputs.length === 0) throw new UsageError('tokenizer stats needs --input (file or folder; repeatable)');
  const texts: string[] = [];
  for (const file of await listCorpusFiles(inputs)) {
    for await (const line of readCorpusFile(file, { textField: text(values, 'text-field') ?? 'text' }))
      texts.push(line.text);
  }
  io.stdout(
    '| tokenizer | vocab | texts | chars | Han chars | tokens | tokens / Han char | byte fallback |\n',
  );
  io.stdout('|---|---:|---:|---:|---:|---:|---:|---:|\n');
  for (const path of tokenizerPaths) {
    const tokenizer = await loadTokenizer(path);
    const result = tokenStats(tokenizer, texts);
    io.stdout(
      `| ${path} | ${tokenizer.vocabSize} | ${result.texts} | ${result.chars} | ${result.hanChars} | ${result.tokens} | ` +
        `${result.tokensPerHanChar.toFixed(3)} | ${(result.byteFallbackRate * 100).toFixed(1)}% |\n`,
    );
  }
  return 0;
}

/** `lawgpt tokenizer`: encode, decode, convert, train, extend and measure LLaMA-style tokenizers. */
export const tokenizerCommand: Command = {
  name: 'tokenizer',
  summary:
    'Encode/decode with a tokenizer.model or tokenizer.json, convert, train a legal vocabulary, extend, measure',
  usage: `lawgpt tokenizer <${SUBCOMMANDS.join('|')}> [options] [TEXT...|IDS...]`,
  options: {
    tokenizer: {
      type: 'string',
      short: 't',
      multiple: true,
      valueName: 'PATH',
      description: 'tokenizer.model, tokenizer.json or a folder holding one (stats: repeatable)',
    },
    input: {
      type: 'string',
      short: 'i',
      multiple: true,
      valueName: 'PATH',
      description:
        'encode/decode: a file, one text or id list per line; train/stats: corpus file or folder (.txt, .md, .jsonl; repeatable)',
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'PATH',
      description: 'convert/extend: output folder; train: output .model file',
    },
    pieces: { type: 'boolean', description: 'encode: print pieces instead of ids' },
    bos: { type: 'boolean', description: 'encode: prepend the BOS id' },
    eos: { type: 'boolean', description: 'encode: append the EOS id' },
    'keep-special': {
      type: 'boolean',
      description: 'decode: write control tokens such as <s> instead of dropping them',
    },
    'vocab-size': { type: 'string', valueName: 'N', description: 'train: vocabulary size (default 8000)' },
    'model-type': {
      type: 'string',
      valueName: 'TYPE',
      description: 'train: bpe or unigram (default unigram)',
    },
    'character-coverage': {
      type: 'string',
      valueName: 'F',
      description: 'train: character coverage (default 0.9995)',
    },
    'user-defined': {
      type: 'string',
      valueName: 'FILE',
      description: 'train: user-defined pieces, one per line (deduplicated)',
    },
    'text-field': {
      type: 'string',
      valueName: 'NAME',
      description: 'train/stats: JSONL text field (default text; CAIL: fact)',
    },
    add: {
      type: 'string',
      valueName: 'PATH',
      description: 'extend: a .model/tokenizer.json to append, or a .txt word list',
    },
  },
  details: `Examples (from the repository root, with ../shared):
  lawgpt tokenizer encode -t ../shared/fixtures/tokenizers/llama2/tokenizer.model "第一条 为了保护民事主体的合法权益"
  lawgpt tokenizer decode -t ../shared/fixtures/tokenizers/llama2/tokenizer.model 29871 30622 30287 31217
  lawgpt tokenizer convert -t ../shared/fixtures/tokenizers/chinese-llama/tokenizer.model -o /tmp/lawgpt/chinese-llama
  lawgpt tokenizer train -i ../shared/data/laws/md/刑法 --user-defined ../shared/data/lawgpt-vocab/legal_vocab.txt \\
      --vocab-size 8000 -o /tmp/lawgpt/legal.model
  lawgpt tokenizer extend -t ../shared/fixtures/tokenizers/chinese-llama/tokenizer.model --add /tmp/lawgpt/legal.model \\
      -o /tmp/lawgpt/legal-llama
  lawgpt tokenizer stats -t ../shared/fixtures/tokenizers/llama2/tokenizer.model -t /tmp/lawgpt/legal-llama \\
      -i ../shared/data/cail2018/data_test.json --text-field fact

train needs spm_train (Debian package sentencepiece).`,
  async run(args, io) {
    const [subcommand] = args.positionals;
    const single = { ...args, values: { ...args.values } };
    // encode/decode/convert/extend take one tokenizer and (encode/decode) one input file.
    if (subcommand !== 'stats') single.values.tokenizer = list(args.values, 'tokenizer')[0];
    if (subcommand === 'encode' || subcommand === 'decode')
      single.values.input = list(args.values, 'input')[0];
    switch (subcommand) {
      case 'encode':
        return encode(single, io);
      case 'decode':
        return decode(single, io);
      case 'convert':
        return convert(single, io);
      case 'train':
        return train(args, io);
      case 'extend':
        return extend(single, io);
      case 'stats':
        return stats(args, io);
      default:
        throw new UsageError(
          `expected a subcommand: ${SUBCOMMANDS.join(', ')}${subcommand ? ` (got ${subcommand})` : ''}`,
        );
    }
  },
};
