// Batch mode of `lawgpt infer`: llama-core's resumable `generateJsonl` (JSONL in, JSONL out through FILE.partial),
// with progress on stderr and Ctrl-C finishing the current batch.
import {
  type GenerateOptions,
  generateJsonl,
  type LlamaModel,
  PromptFileError,
  readPromptFile,
} from '@lawgpt/llama-core';
import { type CommandIO, type ParsedArgs, UsageError } from '../command.js';
import { INTERRUPTED, runInterruptible } from '../interrupt.js';
import { requireString } from '../option-values.js';
import type { CliTokenizer } from '../runtime.js';
import { DEFAULT_SEED } from '../seed.js';

/** Generation options from the command line (an RNG comes from the seed; the signal from Ctrl-C). */
export type Sampling = Omit<
  GenerateOptions,
  'model' | 'tokenizer' | 'prompt' | 'inputIds' | 'rng' | 'signal'
>;

/** Batch mode's options: prompts in, records out, prompts decoded together. */
export interface BatchJob {
  /** `--input`: JSONL of `{"id"?, "prompt"}`. */
  input: string;
  /** `--output`: JSONL of records, through `<output>.partial`. */
  output: string;
  /** `--batch-size`: an integer ≥ 1. */
  batchSize: number;
}

/** A PromptFileError is a usage error (exit 2, with the usage line) naming the file and line. */
const asUsageError = (error: unknown) =>
  error instanceof PromptFileError ? new UsageError(error.message) : error;

/**
 * Checks batch mode's options before the model loads: `--batch-size`, and every record of `--input`, so a bad
 * file fails at once naming the file and line.
 */
export async function readBatchJob(values: ParsedArgs['values']): Promise<BatchJob> {
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UsageError(
      `--batch-size must be a positive integer, got ${JSON.stringify(values['batch-size'])}`,
    );
  }
  const input = requireString(values.input, '--input');
  await readPromptFile({ path: input }).catch((error: unknown) => {
    throw asUsageError(error);
  });
  return { input, output: requireString(values.output, '--output'), batchSize };
}

/** Generates `input` into `output` in groups of `batchSize`; a rerun resumes. Returns the exit code. */
export async function runBatch(
  model: LlamaModel,
  tokenizer: CliTokenizer,
  { input: inputPath, output: outputPath, batchSize }: BatchJob,
  sampling: Sampling,
  io: CommandIO,
): Promise<number> {
  let kept = 0;
  let partialPath = `${outputPath}.partial`;
  const messages = {
    finishing: 'finishing the current batch',
    stopped: () => `${kept} records kept in ${partialPath}; rerun the same command to resume`,
  };
  return runInterruptible('infer', io, messages, async (signal) => {
    let alreadyDone = 0;
    try {
      const result = await generateJsonl({
        ...sampling,
        model,
        tokenizer,
        inputPath,
        outputPath,
        batchSize,
        seed: sampling.seed ?? DEFAULT_SEED,
        signal,
        onStart: (start) => {
          alreadyDone = start.alreadyDone;
          partialPath = start.partialPath;
          kept = alreadyDone;
          io.stderr(`${start.total} prompts, ${alreadyDone} already done, ${start.toGenerate} to generate\n`);
        },
        onProgress: ({ generated, toGenerate, tokens, seconds }) => {
          kept = alreadyDone + generated;
          const eta = (seconds / generated) * (toGenerate - generated);
          io.stderr(
            `[${generated}/${toGenerate}] ${(tokens / seconds).toFixed(1)} tokens/s, ETA ${eta.toFixed(0)} s\n`,
          );
        },
      });
      if (result.interrupted) return INTERRUPTED;
      io.stderr(`wrote ${result.total} records to ${outputPath}\n`);
      return 0;
    } catch (error) {
      if (error instanceof PromptFileError) throw asUsageError(error);
      if (kept > 0) io.stderr(`${kept} records kept in ${partialPath}; rerun the same command to resume\n`);
      throw error;
    }
  });
}
