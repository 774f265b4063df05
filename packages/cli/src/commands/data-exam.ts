// `lawgpt data exam|decontaminate`: option parsing around @lawgpt/data-gen's exam records and decontamination.
import {
  type BenchmarkItem,
  buildExamInstructions,
  createArticleRetriever,
  createContaminationIndex,
  decontaminate,
  examBenchmarkItems,
  type KnowledgeBase,
  loadDiscLawEvalItems,
  loadKnowledgeBase,
  loadLawBenchItems,
  readExamQuestions,
  readJsonlBenchmarkItems,
  type TaskOverlap,
  writeFileAtomic,
  writeInstructionDataset,
} from '@lawgpt/data-gen';
import { type CommandIO, type ParsedArgs, UsageError } from '../command.js';
import { runInterruptible } from '../interrupt.js';
import { INSTRUCTION_FORMATS } from '../option-choices.js';
import {
  choiceValue,
  commaList,
  nonNegativeInteger as integer,
  numberValue,
  repeatedValues,
  requireString,
} from '../option-values.js';
import { formatDuration } from '../progress.js';
import { teacherClient } from './teacher-client.js';
import { readRecords } from './teacher-jobs.js';

type Values = ParsedArgs['values'];

async function statutes(values: Values, io: CommandIO, signal: AbortSignal): Promise<KnowledgeBase> {
  const started = Date.now();
  const knowledgeBase = await loadKnowledgeBase({ root: requireString(values.laws, '--laws'), signal });
  io.stderr(
    `statutes: ${knowledgeBase.laws().length} laws, ${knowledgeBase.articleCount} articles (${Date.now() - started} ms)\n`,
  );
  return knowledgeBase;
}

function questionFormat(value: Values[string]): 'disc' | 'jec-qa' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'disc' && value !== 'jec-qa')
    throw new UsageError(`--question-format must be disc or jec-qa, got '${value}'`);
  return value;
}

/** `lawgpt data exam`: exam questions → instruction records (statute-grounded, or through a teacher). */
export async function runExam(values: Values, io: CommandIO): Promise<number> {
  const outputPath = requireString(values.output, '--output');
  if (!/\.jsonl$/i.test(outputPath))
    throw new UsageError(`--output for exam is a resumable JSONL file (*.jsonl), got '${outputPath}'`);
  const paths = repeatedValues(values.questions);
  if (paths.length === 0)
    throw new UsageError('--questions is required (a DISC CSV, JEC-QA JSON, or a folder)');
  const teacher = typeof values['base-url'] === 'string';
  if (!teacher && values.laws === undefined)
    throw new UsageError(
      '--laws is required without a teacher (--base-url): explanations come from the statutes',
    );
  const messages = {
    finishing: teacher
      ? 'cancelling the requests in flight (asked again on resume)'
      : 'stopping after this question',
    stopped: () => `the records written to ${outputPath} are kept; rerun the same command to resume`,
  };
  return runInterruptible('exam', io, messages, async (signal) => {
    const questions = await readExamQuestions({ paths, format: questionFormat(values['question-format']) });
    const multiple = questions.filter((question) => question.multipleChoice).length;
    io.stderr(
      `questions: ${questions.length} (${questions.length - multiple} single, ${multiple} multiple choice)\n`,
    );
    const retriever =
      values.laws === undefined
        ? undefined
        : createArticleRetriever({ knowledgeBase: await statutes(values, io, signal) });
    const client = teacher ? teacherClient(values, io, signal) : undefined;
    const started = Date.now();
    const result = await buildExamInstructions({
      questions,
      retriever,
      client,
      outputPath,
      articlesPerQuestion: integer(values.articles, '--articles'),
      minScore: numberValue(values['min-score'], '--min-score', { min: 0 }),
      batchSize: integer(values.concurrency, '--concurrency'),
      signal,
      onProgress: (progress) =>
        io.stderr(
          `\rexam: ${progress.done}/${progress.total} written ${progress.written} dropped ${JSON.stringify(progress.dropped)} failed ${progress.failed} | ${progress.questionsPerSecond.toFixed(1)}/s ETA ${formatDuration(progress.etaSeconds ?? Number.NaN)}   `,
        ),
    });
    io.stderr('\n');
    const dropped = Object.entries(result.dropped)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    io.stdout(
      `${result.written} records → ${outputPath} (${result.done}/${result.total} questions settled, ${result.resumed} before this run; dropped: ${dropped}; failed requests: ${result.failed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  });
}

/** The evaluation sets named by --lawbench, --tasks, --disc, --questions and --benchmark. */
export async function benchmarkItems(values: Values, io: CommandIO): Promise<BenchmarkItem[]> {
  const items: BenchmarkItem[] = [];
  if (typeof values.lawbench === 'string') {
    const tasks = commaList(values.tasks);
    items.push(
      ...(await loadLawBenchItems({ root: values.lawbench, tasks: tasks.length ? tasks : undefined })),
    );
  }
  const questionPaths = repeatedValues(values.questions);
  if (questionPaths.length > 0) {
    const format = questionFormat(values['question-format']);
    const questions = await readExamQuestions({ paths: questionPaths, format });
    const isDisc = (path: string) => (format ?? (/\.csv$/i.test(path) ? 'disc' : 'jec-qa')) === 'disc';
    items.push(
      ...examBenchmarkItems(questions.filter((question) => isDisc(question.path))),
      ...examBenchmarkItems(
        questions.filter((question) => !isDisc(question.path)),
        'jec-qa',
      ),
    );
  }
  if (typeof values.disc === 'string') items.push(...(await loadDiscLawEvalItems({ root: values.disc })));
  for (const path of repeatedValues(values.benchmark))
    items.push(...(await readJsonlBenchmarkItems({ path })));
  if (items.length === 0)
    throw new UsageError(
      'give the evaluation sets: --lawbench DIR, --disc DIR, --questions FILE|DIR (DISC/JEC-QA), --benchmark FILE.jsonl',
    );
  const tasks = new Set(items.map((item) => item.task));
  io.stderr(`benchmark: ${items.length} items in ${tasks.size} tasks\n`);
  return items;
}

/** `3 records overlap 2/500 items (n-gram 2, MinHash 1), e.g. record 4 ~ lawbench:3-3#17 (n-gram 100%)`. */
export function formatTaskOverlap(task: TaskOverlap): string {
  const [example] = task.examples;
  const how = example.detectors
    .map((detector) =>
      detector === 'ngram'
        ? `n-gram ${(example.coverage * 100).toFixed(0)}%`
        : `MinHash ${example.similarity.toFixed(2)}`,
    )
    .join(', ');
  return `${task.flaggedRecords} records overlap ${task.overlappedItems}/${task.items} items (n-gram ${task.byDetector.ngram}, MinHash ${task.byDetector.minhash}), e.g. record ${example.recordIndex} ~ ${example.itemId} (${how})`;
}

/** `lawgpt data decontaminate`: drop training records that overlap the evaluation sets, and report the overlaps. */
export async function runDecontaminate(values: Values, io: CommandIO): Promise<number> {
  const inputPath = requireString(values.input, '--input');
  const outputPath = requireString(values.output, '--output');
  const reportPath = typeof values.report === 'string' ? values.report : `${outputPath}.decontamination.json`;
  const format = choiceValue(values.format, '--format', INSTRUCTION_FORMATS);
  const messages = {
    finishing: 'stopping before anything is written',
    stopped: () => `nothing written to ${outputPath}`,
  };
  return runInterruptible('decontaminate', io, messages, async (signal) => {
    const records = await readRecords(inputPath);
    const items = await benchmarkItems(values, io);
    const ignore =
      values.laws === undefined
        ? []
        : (await statutes(values, io, signal)).articles().map((article) => article.text);
    const started = Date.now();
    const index = createContaminationIndex({
      items,
      ngram: integer(values.ngram, '--ngram'),
      ignore,
      nearDuplicateThreshold:
        values['no-minhash'] === true
          ? false
          : numberValue(values['min-similarity'], '--min-similarity', { min: 0 }),
    });
    const report = decontaminate({
      records,
      index,
      minCoverage: numberValue(values['min-coverage'], '--min-coverage', { min: 0 }),
      minSharedNgrams: numberValue(values['min-shared'], '--min-shared', { integer: true, min: 1 }),
      signal,
      onProgress: ({ done, total, flagged }) =>
        io.stderr(`\rdecontaminate: ${done}/${total} flagged ${flagged}   `),
    });
    io.stderr('\n');
    await writeInstructionDataset({ records: report.clean, path: outputPath, format });
    const flagged = report.flagged.map(({ index: position, record, matches, detectors }) => ({
      index: position,
      instruction: record.instruction.slice(0, 200),
      provenance: record.provenance,
      detectors,
      matches,
    }));
    const { clean: _clean, flagged: _flagged, ...summary } = report;
    await writeFileAtomic(
      reportPath,
      `${JSON.stringify({ input: inputPath, ...summary, flagged }, null, 2)}\n`,
    );
    const lines = Object.entries(report.tasks)
      .filter(([, task]) => task.flaggedRecords > 0)
      .map(([name, task]) => `  ${name}: ${formatTaskOverlap(task)}`);
    const minhash =
      report.nearDuplicateThreshold === false
        ? 'MinHash off'
        : `or MinHash similarity ≥ ${report.nearDuplicateThreshold}`;
    io.stdout(
      `${report.clean.length} clean records → ${outputPath}; ${report.flagged.length} flagged of ${records.length} (${report.ngram}-grams, coverage ≥ ${report.minCoverage} or ≥ ${report.minSharedNgrams} shared, ${minhash}; ${report.skippedItems.length} items too short to check) in ${((Date.now() - started) / 1000).toFixed(1)} s → ${reportPath}\n${lines.join('\n')}${lines.length ? '\n' : ''}`,
    );
    return 0;
  });
}
