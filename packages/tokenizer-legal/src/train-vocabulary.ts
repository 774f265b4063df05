import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFilesAtomic } from '@lawgpt/common';
import { listCorpusFiles, readCorpusFile } from './corpus.js';
import { CommandError, TokenizerError } from './errors.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/** Progress of {@link trainVocabulary}. */
export interface TrainProgress {
  phase: 'corpus' | 'train' | 'done';
  /** Corpus sentences written so far (phase `corpus`) or pieces reached (phase `train`). */
  step: number;
  /** Target: vocab size in phase `train`. */
  total?: number;
  /** Seconds since start. */
  elapsedSeconds: number;
  /** Estimated seconds left (phase `train`). */
  etaSeconds?: number;
  /** Last spm_train log line. */
  message?: string;
}

/** Options of {@link trainVocabulary}. */
export interface TrainVocabularyOptions {
  /** Corpus files or folders: plain text, Markdown statutes (`.md`), JSONL (`.jsonl`/`.json`). */
  inputs: readonly string[];
  /** Output path of the model, e.g. `out/legal.model` (a `.vocab` file is written beside it). */
  output: string;
  /** Vocabulary size (default 8000). */
  vocabSize?: number;
  /** `bpe` or `unigram` (default `unigram`, as Chinese-LLaMA's chinese_sp). */
  modelType?: 'bpe' | 'unigram';
  /** Character coverage (default 0.9995). */
  characterCoverage?: number;
  /** Pieces that must be in the vocabulary whole (e.g. legal terms); trimmed and deduplicated. */
  userDefinedSymbols?: readonly string[];
  /** A file with one user-defined piece per line (e.g. `legal_vocab.txt`); merged with `userDefinedSymbols`. */
  userDefinedSymbolsFile?: string;
  /** JSONL field holding the text (default `text`; CAIL uses `fact`). */
  textField?: string;
  /** Normalization rule (default `identity`, as LLaMA; `nmt_nfkc` as sentencepiece's default). */
  normalization?: 'identity' | 'nmt_nfkc' | 'nfkc';
  /** Split digits into single pieces (default true, as LLaMA). */
  splitDigits?: boolean;
  /** Byte fallback pieces (default false). */
  byteFallback?: boolean;
  /** Fail when the corpus cannot give `vocabSize` pieces (default false: stop at what it can). */
  hardVocabLimit?: boolean;
  /** Sample at most this many sentences (default 0: all). */
  inputSentenceSize?: number;
  /** Trainer threads (default 2). */
  threads?: number;
  /** spm_train's `--random_seed` (sentence sampling, unigram seeds); default: spm_train's own. */
  seed?: number;
  /** The spm_train executable (default `spm_train` on PATH; Debian package `sentencepiece`). */
  spmTrain?: string;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
}

/** What {@link trainVocabulary} produced. */
export interface TrainVocabularyResult {
  modelPath: string;
  tokenizer: SentencePieceTokenizer;
  sentences: number;
  files: number;
  userDefinedSymbols: { given: number; unique: number; duplicatesDropped: number };
}

/** Trim, drop empty and repeated entries, keep first-seen order. */
function dedupeSymbols(symbols: readonly string[]): { unique: string[]; given: number } {
  const seen = new Set<string>();
  let given = 0;
  for (const raw of symbols) {
    const symbol = raw.trim();
    if (symbol.length === 0) continue;
    given++;
    seen.add(symbol);
  }
  return { unique: [...seen], given };
}

/**
 * Train a SentencePiece model with Debian's `spm_train` (package `sentencepiece`) from plain text,
 * Markdown statutes and JSONL corpora, with user-defined pieces deduplicated. The model is written
 * atomically to `output`.
 */
export async function trainVocabulary(options: TrainVocabularyOptions): Promise<TrainVocabularyResult> {
  const {
    inputs,
    output,
    vocabSize = 8000,
    modelType = 'unigram',
    characterCoverage = 0.9995,
    userDefinedSymbols = [],
    userDefinedSymbolsFile,
    textField = 'text',
    normalization = 'identity',
    splitDigits = true,
    byteFallback = false,
    hardVocabLimit = false,
    inputSentenceSize = 0,
    threads = 2,
    spmTrain = 'spm_train',
    seed,
    signal,
    onProgress,
  } = options;
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  const fileSymbols = userDefinedSymbolsFile
    ? (await readFile(userDefinedSymbolsFile, 'utf8')).split(/\r?\n/)
    : [];
  const { unique, given } = dedupeSymbols([...userDefinedSymbols, ...fileSymbols]);
  const work = await mkdtemp(join(tmpdir(), 'lawgpt-spm-'));
  try {
    // 1. Corpus → one sentence per line.
    const files = await listCorpusFiles(inputs);
    const corpusPath = join(work, 'corpus.txt');
    const sink = createWriteStream(corpusPath, { encoding: 'utf8' });
    let sentences = 0;
    for (const file of files) {
      for await (const { text } of readCorpusFile(file, { textField, signal })) {
        if (!sink.write(`${text}\n`))
          await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
        sentences++;
        if (sentences % 20000 === 0)
          onProgress?.({ phase: 'corpus', step: sentences, elapsedSeconds: elapsed() });
      }
    }
    await new Promise<void>((resolve, reject) =>
      sink.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    if (sentences === 0) throw new TokenizerError(`corpus ${inputs.join(', ')} holds no text`);
    onProgress?.({ phase: 'corpus', step: sentences, elapsedSeconds: elapsed() });
    // 2. spm_train.
    const prefix = join(work, 'model');
    const args = [
      `--input=${corpusPath}`,
      `--model_prefix=${prefix}`,
      `--vocab_size=${vocabSize}`,
      `--model_type=${modelType}`,
      `--character_coverage=${characterCoverage}`,
      `--normalization_rule_name=${normalization}`,
      `--split_digits=${splitDigits}`,
      `--byte_fallback=${byteFallback}`,
      `--hard_vocab_limit=${hardVocabLimit}`,
      `--num_threads=${threads}`,
      `--input_sentence_size=${inputSentenceSize}`,
      '--max_sentence_length=16384',
    ];
    if (seed !== undefined) args.push(`--random_seed=${seed >>> 0}`);
    if (unique.length > 0) {
      const symbolsPath = join(work, 'user_defined_symbols.txt');
      await writeFile(symbolsPath, `${unique.join('\n')}\n`);
      args.push(`--user_defined_symbols_file=${symbolsPath}`);
    }
    const trainStarted = Date.now();
    await runSpmTrain(spmTrain, args, { signal }, (message, size) => {
      const seconds = (Date.now() - trainStarted) / 1000;
      const eta =
        size > 0 && modelType === 'bpe' ? (seconds / size) * Math.max(0, vocabSize - size) : undefined;
      onProgress?.({
        phase: 'train',
        step: size,
        total: vocabSize,
        elapsedSeconds: elapsed(),
        etaSeconds: eta,
        message,
      });
    });
    // 3. Load to validate, then move into place atomically.
    const bytes = await readFile(`${prefix}.model`);
    const tokenizer = new SentencePieceTokenizer(
      (await import('./model-proto.js')).decodeModelProto(bytes, `${prefix}.model`),
      output,
    );
    const vocabOutput = output.replace(/\.model$/, '') + '.vocab';
    await writeFilesAtomic({
      files: [
        { path: vocabOutput, data: await readFile(`${prefix}.vocab`) },
        { path: output, data: bytes },
      ],
      signal,
    });
    onProgress?.({ phase: 'done', step: tokenizer.vocabSize, total: vocabSize, elapsedSeconds: elapsed() });
    return {
      modelPath: output,
      tokenizer,
      sentences,
      files: files.length,
      userDefinedSymbols: { given, unique: unique.length, duplicatesDropped: given - unique.length },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Run spm_train; parse `size=N` progress from its log; typed errors for a missing binary or a failure. */
function runSpmTrain(
  command: string,
  args: string[],
  { signal }: { signal?: AbortSignal },
  onLog: (message: string, size: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    let buffer = '';
    const abort = (): void => {
      child.kill('SIGTERM');
    };
    signal?.addEventListener('abort', abort, { once: true });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        tail = `${tail}\n${line}`.slice(-2000);
        const size = /\bsize=(\d+)/.exec(line);
        if (size) onLog(line, Number(size[1]));
      }
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', abort);
      if (error.code === 'ENOENT') {
        reject(
          new CommandError(
            command,
            `${command} not found: install Debian package sentencepiece (apt-get install sentencepiece) or pass spmTrain`,
          ),
        );
      } else reject(new CommandError(command, `${command} failed to start: ${error.message}`));
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) reject(signal.reason);
      else if (code === 0) resolve();
      else
        reject(
          new CommandError(
            command,
            `${command} exited with code ${code}:${tail.split('\n').slice(-5).join('\n')}`,
            code ?? undefined,
          ),
        );
    });
  });
}
