// The teacher jobs behind `lawgpt data self-instruct|clean`: an OpenAI-compatible client around @lawgpt/data-gen.
import {
  cleanInstructions,
  DataGenFileError,
  DataGenParseError,
  type InstructionRecord,
  type Provenance,
  parseJsonl,
  parseSeedTasks,
  readTextFile,
  runSelfInstruct,
} from '@lawgpt/data-gen';
import type { CommandIO, ParsedArgs } from '../command.js';
import { runInterruptible } from '../interrupt.js';
import { nonNegativeInteger as integer, requireString } from '../option-values.js';
import { formatDuration } from '../progress.js';
import { isOneOf, isRecord } from '../type-guards.js';
import { teacherClient } from './teacher-client.js';

type Values = ParsedArgs['values'];

/** Instruction records from a JSON array or JSONL file; plain Alpaca rows get an empty input and `seed` provenance. */
export async function readRecords(path: string): Promise<InstructionRecord[]> {
  const text = await readTextFile(path, 'instruction records (JSON or JSONL)');
  let rows: unknown;
  try {
    rows = text.trimStart().startsWith('[') ? JSON.parse(text) : parseJsonl(text, { path });
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new DataGenParseError({ path, message: `not valid JSON (${error.message})` });
    throw error;
  }
  if (!Array.isArray(rows))
    throw new DataGenParseError({ path, message: 'expected a JSON array of instruction records' });
  if (rows.length === 0) {
    throw new DataGenFileError({
      path,
      code: 'EMPTY',
      message: 'no instruction records (the file is empty)',
    });
  }
  return rows.map((row: unknown, index) => instructionRecord(row, path, index));
}

const PROVENANCE_KINDS = [
  'statute',
  'case',
  'teacher',
  'seed',
  'exam',
] as const satisfies readonly Provenance['kind'][];

/**
 * Record `index` of `path`, its Alpaca fields and provenance kind checked; plain Alpaca rows (no input, template
 * or provenance) are accepted too. Errors name the file and the field (`[3].output`).
 */
function instructionRecord(row: unknown, path: string, index: number): InstructionRecord {
  const fail = (field: string, message: string): never => {
    throw new DataGenParseError({ path, field: `[${index}]${field && `.${field}`}`, message });
  };
  if (!isRecord(row))
    return fail('', `must be an object ({"instruction", "input", "output"}), got ${JSON.stringify(row)}`);
  const string = (field: string, fallback?: string): string => {
    const value = row[field];
    if (typeof value === 'string') return value;
    if (value === undefined && fallback !== undefined) return fallback;
    return fail(field, `must be a string, got ${JSON.stringify(value) ?? 'nothing'}`);
  };
  const provenance = row.provenance ?? { kind: 'seed' };
  if (!isRecord(provenance))
    return fail('provenance', `must be an object, got ${JSON.stringify(provenance)}`);
  const { kind } = provenance;
  if (!isOneOf(kind, PROVENANCE_KINDS))
    return fail(
      'provenance.kind',
      `must be one of ${PROVENANCE_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  // other fields of the row (and of its provenance) are kept as they are
  return {
    ...row,
    instruction: string('instruction'),
    input: string('input', ''),
    output: string('output'),
    template: string('template', 'input'),
    provenance: { ...provenance, kind },
  };
}

export async function runTeacherJob(
  values: Values,
  io: CommandIO,
  job: 'self-instruct' | 'clean',
): Promise<number> {
  const outputPath = requireString(values.output, '--output');
  const messages = {
    finishing: 'cancelling the requests in flight (asked again on resume)',
    stopped: () => `the records written to ${outputPath} are kept; rerun the same command to resume`,
  };
  return runInterruptible(job, io, messages, async (signal) => {
    const client = teacherClient(values, io, signal);
    if (job === 'clean') {
      const records = await readRecords(requireString(values.input, '--input'));
      const result = await cleanInstructions({
        records,
        client,
        outputPath,
        batchSize: integer(values.concurrency, '--concurrency'),
        signal,
        onProgress: (progress) =>
          io.stderr(
            `\rclean: ${progress.done}/${progress.total} rewritten ${progress.counts.rewritten} dropped ${progress.counts.dropped} unparseable ${progress.counts.unparseable} failed ${progress.counts.failed} | ${progress.recordsPerSecond.toFixed(2)}/s ETA ${formatDuration(progress.etaSeconds ?? Number.NaN)}   `,
          ),
      });
      io.stderr('\n');
      io.stdout(
        `${result.done}/${result.total} records handled → ${outputPath} (${JSON.stringify(result.counts)})\n`,
      );
      return 0;
    }
    const seedPath = requireString(values.seeds, '--seeds');
    const seedTasks = parseSeedTasks(await readTextFile(seedPath, 'seed tasks (JSONL)'), { path: seedPath });
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
      signal,
      onProgress: (progress) => {
        const rejected =
          Object.entries(progress.rejected)
            .map(([reason, count]) => `${reason} ${count}`)
            .join(', ') || 'none';
        io.stderr(
          `\rself-instruct: kept ${progress.kept}/${progress.target} (resumed ${progress.resumed}) requests ${progress.requests} rejected: ${rejected} | ${progress.keptPerSecond.toFixed(2)}/s ETA ${formatDuration(progress.etaSeconds ?? Number.NaN)}   `,
        );
      },
    });
    io.stderr('\n');
    io.stdout(`${result.kept} records → ${outputPath} after ${result.requests} requests\n`);
    return 0;
  });
}
