import type { ArticleRetriever, RetrievedArticle } from './article-retriever.js';
import type { ChatClient } from './chat-client.js';
import { formatArticleLabel } from './chinese-numeral.js';
import { DataGenAbortError, DataGenOptionError } from './errors.js';
import {
  citedArticles,
  contradictsAnswer,
  examTeacherMessages,
  formatExamInstruction,
  statedAnswer,
  statuteExplanation,
  teacherOutput,
} from './exam-explanation.js';
import type { ExamQuestion } from './exam-questions.js';
import type { InstructionRecord } from './instruction-record.js';
import { appendJsonl, ensureFile, readResumableJsonl } from './jsonl.js';

/** Why a question gave no record: no article retrieved above `minScore` (teacher-free path), the explanation
 * states another answer than the key, or the teacher's reply states no answer at all. */
export type ExamDropReason = 'ungrounded' | 'contradicts' | 'unparseable';

/** Progress of {@link buildExamInstructions}. */
export interface ExamProgress {
  /** Questions settled (a record written or a drop logged), resumed ones included. */
  done: number;
  total: number;
  written: number;
  dropped: Record<ExamDropReason, number>;
  /** Teacher requests of this run that failed after the client's retries; their questions are asked on rerun. */
  failed: number;
  /** Questions already settled when the run started. */
  resumed: number;
  elapsedMs: number;
  questionsPerSecond: number;
  etaSeconds: number | null;
}

/** Options of {@link buildExamInstructions}. */
export interface BuildExamInstructionsOptions {
  questions: ExamQuestion[];
  /** Output JSONL, appended record by record; a `.progress.jsonl` beside it logs each settled question. Rerun to resume. */
  outputPath: string;
  /** Articles for the explanation (teacher-free) or offered to the teacher as references. Required without `client`. */
  retriever?: ArticleRetriever;
  /** A teacher: when given, it writes the explanations (see {@link examTeacherMessages}). */
  client?: ChatClient;
  /** Articles retrieved per question. Default 2 (0 sends the teacher none). */
  articlesPerQuestion?: number;
  /** Teacher-free: the best article's BM25 score must reach this, or the question is dropped as `ungrounded`. Default 40. */
  minScore?: number;
  /** Teacher-free: characters of each quoted article at most. Default 400. */
  maxArticleChars?: number;
  /** Teacher requests sent at once (the client's concurrency limit still applies). Default 4. */
  batchSize?: number;
  temperature?: number;
  maxTokens?: number;
  onProgress?: (progress: ExamProgress) => void;
  signal?: AbortSignal;
}

type Outcome = { record: InstructionRecord } | { drop: ExamDropReason };

/** Laws named in 《》 in the question that the knowledge base knows; the search is kept to them when there are any. */
function namedLaws(question: ExamQuestion, retriever: ArticleRetriever): string[] {
  const names = [
    ...`${question.question}${Object.values(question.options).join('')}`.matchAll(/《([^》]+)》/g),
  ];
  return [
    ...new Set(
      names.map((match) => retriever.knowledgeBase.resolveLaw(match[1])).filter((law) => law !== undefined),
    ),
  ];
}

function retrieve(
  question: ExamQuestion,
  retriever: ArticleRetriever | undefined,
  limit: number,
): RetrievedArticle[] {
  if (!retriever || limit === 0) return [];
  // The question and the correct options: the key's wording points at the article that decides it.
  const query = [question.question, ...question.answer.map((letter) => question.options[letter])].join('\n');
  const laws = namedLaws(question, retriever);
  const hits = laws.length ? retriever.search(query, { limit, laws }) : [];
  return hits.length ? hits : retriever.search(query, { limit });
}

function baseRecord(question: ExamQuestion, output: string, template: string): InstructionRecord {
  return {
    instruction: formatExamInstruction(question),
    input: '',
    output,
    template,
    provenance: { kind: 'exam', questionId: question.id, path: question.path, citations: [] },
  };
}

function statuteOutcome(
  question: ExamQuestion,
  hits: RetrievedArticle[],
  minScore: number,
  maxChars: number,
): Outcome {
  if (hits.length === 0 || hits[0].score < minScore) return { drop: 'ungrounded' };
  const output = statuteExplanation(question, hits, maxChars);
  const stated = statedAnswer(output);
  if (!stated) return { drop: 'unparseable' };
  if (contradictsAnswer(stated, question.answer)) return { drop: 'contradicts' };
  const record = baseRecord(question, output, 'exam-statute');
  record.provenance.citations = hits.map(({ article }) => ({
    law: article.law,
    article: formatArticleLabel(article.number, article.suffix),
  }));
  return { record };
}

function teacherOutcome(
  question: ExamQuestion,
  reply: string,
  client: ChatClient,
  retriever?: ArticleRetriever,
): Outcome {
  const stated = statedAnswer(reply);
  if (!stated) return { drop: 'unparseable' };
  if (contradictsAnswer(stated, question.answer)) return { drop: 'contradicts' };
  const record = baseRecord(question, teacherOutput(reply, question.answer), 'exam-teacher');
  record.provenance.model = client.model;
  record.provenance.citations = citedArticles(reply, retriever?.knowledgeBase);
  return { record };
}

/**
 * Judicial-exam questions → Alpaca instruction records. The instruction is the question with its options; the
 * output is `答案：X` plus an explanation: without a teacher, the statute articles BM25 retrieves for the
 * question and its correct options (kept to the laws the question names in 《》, when it names any), quoted and
 * tied to the answer; with a teacher, its option-by-option analysis. Every record's provenance carries the
 * question id and the cited articles. Explanations that state another answer than the key are dropped as
 * `contradicts`, teacher replies stating none as `unparseable`, questions with no article scoring `minScore` as
 * `ungrounded`. Records and a `{ id, status }` log are appended one by one, so an aborted or killed run resumes
 * without losing or repeating a question (a torn last line is cut off; failed teacher requests are asked again).
 */
export async function buildExamInstructions(options: BuildExamInstructionsOptions): Promise<ExamProgress> {
  const {
    questions,
    outputPath,
    retriever,
    client,
    articlesPerQuestion = 2,
    minScore = 40,
    maxArticleChars = 400,
    batchSize = 4,
    temperature = 0,
    maxTokens,
    onProgress,
    signal,
  } = options;
  if (!client && !retriever)
    throw new DataGenOptionError({
      field: 'retriever',
      expected: 'a retriever when no teacher client is given',
      actual: undefined,
    });
  if (!client && !(articlesPerQuestion >= 1))
    throw new DataGenOptionError({
      field: 'articlesPerQuestion',
      expected: 'an integer ≥ 1 without a teacher',
      actual: articlesPerQuestion,
    });
  if (!(batchSize >= 1))
    throw new DataGenOptionError({ field: 'batchSize', expected: 'an integer ≥ 1', actual: batchSize });
  // Step 1: resume from the output and the log; a record written but not logged (killed in between) is logged now.
  const logPath = `${outputPath}.progress.jsonl`;
  await ensureFile(outputPath);
  await ensureFile(logPath);
  const { records: written } = await readResumableJsonl<InstructionRecord>(outputPath);
  const { records: log } = await readResumableJsonl<{ id: string; status: 'written' | ExamDropReason }>(
    logPath,
  );
  const status = new Map(log.map((entry) => [entry.id, entry.status]));
  for (const record of written) {
    const id = record.provenance.questionId;
    if (id !== undefined && status.get(id) !== 'written') {
      status.set(id, 'written');
      await appendJsonl(logPath, { id, status: 'written' });
    }
  }
  const counts = { written: 0, dropped: { ungrounded: 0, contradicts: 0, unparseable: 0 } };
  for (const value of status.values()) {
    if (value === 'written') counts.written++;
    else counts.dropped[value]++;
  }
  const resumed = status.size;
  const started = Date.now();
  let failed = 0;
  const progress = (): ExamProgress => {
    const elapsedMs = Date.now() - started;
    const rate = (status.size - resumed) / Math.max(elapsedMs / 1000, 1e-3);
    return {
      done: status.size,
      total: questions.length,
      written: counts.written,
      dropped: { ...counts.dropped },
      failed,
      resumed,
      elapsedMs,
      questionsPerSecond: rate,
      etaSeconds: rate > 0 ? (questions.length - status.size) / rate : null,
    };
  };
  const settle = async (question: ExamQuestion, outcome: Outcome) => {
    if ('record' in outcome) {
      await appendJsonl(outputPath, outcome.record);
      counts.written++;
    } else counts.dropped[outcome.drop]++;
    const value = 'record' in outcome ? 'written' : outcome.drop;
    await appendJsonl(logPath, { id: question.id, status: value });
    status.set(question.id, value);
  };
  const aborted = () =>
    new DataGenAbortError(`exam instructions aborted after ${status.size} questions; rerun to resume`);
  const pending = questions.filter((question) => !status.has(question.id));
  onProgress?.(progress());
  // Step 2a: teacher-free, one question at a time.
  if (!client) {
    for (const [position, question] of pending.entries()) {
      if (signal?.aborted) throw aborted();
      await settle(
        question,
        statuteOutcome(
          question,
          retrieve(question, retriever, articlesPerQuestion),
          minScore,
          maxArticleChars,
        ),
      );
      if (position % 100 === 99) onProgress?.(progress());
    }
    onProgress?.(progress());
    return progress();
  }
  // Step 2b: teacher batches; results are written in question order once the whole batch has answered.
  for (let offset = 0; offset < pending.length; offset += batchSize) {
    if (signal?.aborted) throw aborted();
    const batch = pending.slice(offset, offset + batchSize);
    const answers = await Promise.allSettled(
      batch.map((question) =>
        client.complete({
          messages: examTeacherMessages(question, retrieve(question, retriever, articlesPerQuestion)),
          temperature,
          maxTokens,
          signal,
        }),
      ),
    );
    if (signal?.aborted) throw aborted();
    const failures = answers.filter((answer) => answer.status === 'rejected');
    if (failures.length === answers.length) throw (failures[0] as PromiseRejectedResult).reason;
    for (const [position, answer] of answers.entries()) {
      if (answer.status === 'rejected') {
        failed++;
        continue;
      }
      await settle(batch[position], teacherOutcome(batch[position], answer.value.content, client, retriever));
    }
    onProgress?.(progress());
  }
  return progress();
}
