import { readFile } from 'node:fs/promises';
import type { ChatClient } from './chat-client.js';
import { DataGenAbortError, DataGenOptionError } from './errors.js';
import { filterTask, type RejectReason, type TaskFilterOptions } from './instruction-filter.js';
import type { InstructionRecord } from './instruction-record.js';
import { createRandom, sample } from './internal/random.js';
import { appendJsonl, ensureFile, readResumableJsonl, writeFileAtomic } from './jsonl.js';
import { type ChineseTokenizer, lcsLength, tokenizeChinese } from './rouge-l.js';
import { buildSelfInstructPrompt, parseNumberedTasks, type SeedTask } from './self-instruct-prompt.js';

/** Progress of a self-instruct run. */
export interface SelfInstructProgress {
  kept: number;
  target: number;
  requests: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Records found in the output file when the run started. */
  resumed: number;
  elapsedMs: number;
  keptPerSecond: number;
  /** Seconds to `target` at the current rate, or null before the first kept record. */
  etaSeconds: number | null;
}

/** Options of {@link runSelfInstruct}. */
export interface SelfInstructOptions {
  seedTasks: SeedTask[];
  client: ChatClient;
  /** Output JSONL, appended record by record; an existing file is resumed. A `.state.json` sits beside it. */
  outputPath: string;
  /** Stop when this many records are kept (resumed ones count). */
  target: number;
  /** Seed examples per prompt (k). Default 3. */
  examplesPerPrompt?: number;
  /** Tasks the teacher is asked to complete the list to. Default 20. */
  tasksPerRequest?: number;
  /** Prompts sent per round (the client's concurrency limit still applies). Default 4. */
  requestsPerRound?: number;
  /** Stop after this many requests in total, even below `target`. */
  maxRequests?: number;
  /** Reject a task whose ROUGE-L F1 with any kept or seed instruction is ≥ this. Default 0.7. */
  similarityThreshold?: number;
  /** Tokens for ROUGE-L. Default `jieba`. */
  tokenizer?: ChineseTokenizer;
  filter?: TaskFilterOptions;
  temperature?: number;
  maxTokens?: number;
  /** Seed of the example sampling (request r uses seed·1,000,003 + r). Default 0. */
  seed?: number;
  onProgress?: (progress: SelfInstructProgress) => void;
  signal?: AbortSignal;
}

interface RunState {
  requests: number;
  rejected: Partial<Record<RejectReason, number>>;
}

/** Largest ROUGE-L F1 of `tokens` against the pool, stopping early at `threshold`. */
function maxSimilarity(tokens: string[], pool: string[][], threshold: number): number {
  let best = 0;
  for (const other of pool) {
    if (tokens.length === 0 || other.length === 0) continue;
    // F1 ≤ 2·min/(a+b): skip pairs that cannot reach the current best.
    if ((2 * Math.min(tokens.length, other.length)) / (tokens.length + other.length) <= best) continue;
    const lcs = lcsLength(tokens, other);
    const f1 = lcs === 0 ? 0 : (2 * lcs) / (tokens.length + other.length);
    if (f1 > best) best = f1;
    if (best >= threshold) break;
  }
  return best;
}

async function readState(path: string): Promise<RunState> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunState;
  } catch {
    return { requests: 0, rejected: {} };
  }
}

/**
 * Stanford Alpaca's self-instruct loop, adapted to Chinese: each request shows the teacher k sampled seed
 * tasks as a numbered list and asks it to continue; the continuation is parsed, filtered
 * ({@link filterTask}) and deduplicated by ROUGE-L on Chinese tokens against the seeds and every kept task.
 * Kept records are appended one by one to `outputPath`, so a killed or aborted run resumes where it stopped
 * without duplicates (a torn last line is cut off; re-sent prompts give tasks that fail the ROUGE-L check).
 */
export async function runSelfInstruct(options: SelfInstructOptions): Promise<SelfInstructProgress> {
  const {
    seedTasks,
    client,
    outputPath,
    target,
    examplesPerPrompt = 3,
    tasksPerRequest = 20,
    requestsPerRound = 4,
    maxRequests = Number.POSITIVE_INFINITY,
    similarityThreshold = 0.7,
    tokenizer = 'jieba',
    filter = {},
    temperature = 1,
    maxTokens = 3072,
    seed = 0,
    onProgress,
    signal,
  } = options;
  if (seedTasks.length === 0)
    throw new DataGenOptionError({ field: 'seedTasks', expected: 'at least one seed task', actual: 0 });
  if (!(target >= 1))
    throw new DataGenOptionError({ field: 'target', expected: 'an integer ≥ 1', actual: target });
  // Step 1: resume — kept records, counters, ROUGE pool.
  const statePath = `${outputPath}.state.json`;
  await ensureFile(outputPath);
  const { records: existing } = await readResumableJsonl<InstructionRecord>(outputPath);
  const state = await readState(statePath);
  const pool = [
    ...seedTasks.map((task) => task.instruction),
    ...existing.map((record) => record.instruction),
  ].map((text) => tokenizeChinese(text, tokenizer));
  const seenKeys = new Set(existing.map((record) => `${record.instruction}\u0000${record.input}`));
  let kept = existing.length;
  const started = Date.now();
  const progress = (): SelfInstructProgress => {
    const elapsedMs = Date.now() - started;
    const fresh = kept - existing.length;
    const keptPerSecond = fresh / Math.max(elapsedMs / 1000, 1e-3);
    return {
      kept,
      target,
      requests: state.requests,
      rejected: { ...state.rejected },
      resumed: existing.length,
      elapsedMs,
      keptPerSecond,
      etaSeconds: fresh > 0 ? Math.max(0, target - kept) / keptPerSecond : null,
    };
  };
  const reject = (reason: RejectReason, count = 1) => {
    if (count > 0) state.rejected[reason] = (state.rejected[reason] ?? 0) + count;
  };
  onProgress?.(progress());
  // Step 2: rounds of concurrent requests, results handled in request order.
  while (kept < target && state.requests < maxRequests) {
    if (signal?.aborted)
      throw new DataGenAbortError(`self-instruct aborted after ${kept} records; rerun to resume`);
    const round = Array.from(
      { length: Math.min(requestsPerRound, maxRequests - state.requests) },
      (_, offset) => state.requests + offset,
    );
    const responses = await Promise.allSettled(
      round.map((request) => {
        const examples = sample(seedTasks, examplesPerPrompt, createRandom(seed * 1000003 + request));
        const prompt = buildSelfInstructPrompt({ examples, count: tasksPerRequest });
        return client
          .complete({ messages: [{ role: 'user', content: prompt }], temperature, maxTokens, signal })
          .then((completion) => ({ completion, examples: examples.length, request }));
      }),
    );
    if (signal?.aborted)
      throw new DataGenAbortError(`self-instruct aborted after ${kept} records; rerun to resume`);
    const failures = responses.filter((result) => result.status === 'rejected');
    if (failures.length === responses.length) throw (failures[0] as PromiseRejectedResult).reason;
    for (const result of responses) {
      state.requests++;
      if (result.status === 'rejected') {
        reject('request_failed');
        continue;
      }
      // Replies that arrive after the target is reached are not read.
      if (kept >= target) continue;
      const { completion, examples, request } = result.value;
      const parsed = parseNumberedTasks(completion.content, {
        firstNumber: examples + 1,
        finishReason: completion.finishReason,
      });
      reject('malformed', parsed.malformed);
      reject('truncated', parsed.truncated);
      for (const task of parsed.tasks) {
        const reason = filterTask(task, filter);
        if (reason) {
          reject(reason);
          continue;
        }
        const key = `${task.instruction}\u0000${task.input}`;
        const tokens = tokenizeChinese(task.instruction, tokenizer);
        if (seenKeys.has(key) || maxSimilarity(tokens, pool, similarityThreshold) >= similarityThreshold) {
          reject('similar');
          continue;
        }
        // Good tasks beyond the target are left out (and not counted as rejected).
        if (kept >= target) continue;
        const record: InstructionRecord = {
          instruction: task.instruction,
          input: task.input,
          output: task.output,
          template: 'self-instruct',
          provenance: { kind: 'teacher', model: client.model, request },
        };
        await appendJsonl(outputPath, record);
        seenKeys.add(key);
        pool.push(tokens);
        kept++;
      }
    }
    await writeFileAtomic(statePath, `${JSON.stringify(state)}\n`);
    onProgress?.(progress());
  }
  return progress();
}
