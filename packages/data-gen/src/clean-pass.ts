import type { ChatClient } from './chat-client.js';
import { DataGenAbortError } from './errors.js';
import type { InstructionRecord } from './instruction-record.js';
import { appendJsonl, ensureFile, readResumableJsonl } from './jsonl.js';

/** What happened to one record in the cleaning pass. */
export type CleanStatus = 'rewritten' | 'dropped' | 'unparseable' | 'failed';

/** Progress of a cleaning pass. */
export interface CleanProgress {
  done: number;
  total: number;
  counts: Record<CleanStatus, number>;
  /** Records already handled by an earlier run. */
  resumed: number;
  elapsedMs: number;
  recordsPerSecond: number;
  etaSeconds: number | null;
}

/** Options of {@link cleanInstructions}. */
export interface CleanInstructionsOptions {
  records: InstructionRecord[];
  client: ChatClient;
  /** Kept records (rewritten, or unchanged when the answer was unparseable/failed), appended one by one. */
  outputPath: string;
  /** Replaces the default Chinese system prompt. */
  systemPrompt?: string;
  /** Records sent at once (the client's concurrency limit still applies). Default 4. */
  batchSize?: number;
  temperature?: number;
  onProgress?: (progress: CleanProgress) => void;
  signal?: AbortSignal;
}

/** The default instructions to the teacher for the rewrite/cleaning pass. */
export const DEFAULT_CLEAN_PROMPT = [
  '你是一名严谨的中国法律编辑，负责清洗法律指令微调数据。',
  '给你一条JSON格式的数据（instruction 指令、input 输入、output 输出）。请：',
  '1. 修正错别字、病句和格式问题，使指令清楚、输出通顺专业；',
  '2. 保持原意，不得编造法条或案件事实；引用的法条和数字保持不变；',
  '3. 如果数据有明显错误、不完整或与法律无关而无法修复，返回 {"drop": true, "reason": "原因"}；',
  '4. 否则只返回一个JSON对象 {"instruction": "...", "input": "...", "output": "..."}，不要其他文字。',
].join('\n');

/** Parse the teacher's JSON answer (code fences and surrounding text tolerated). */
export function parseCleanAnswer(
  answer: string,
):
  | { drop: true; reason: string }
  | { drop: false; instruction: string; input: string; output: string }
  | undefined {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(answer.slice(start, end + 1)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (value.drop === true) return { drop: true, reason: String(value.reason ?? '') };
  if (typeof value.instruction !== 'string' || typeof value.output !== 'string' || !value.instruction.trim())
    return undefined;
  return {
    drop: false,
    instruction: value.instruction.trim(),
    input: typeof value.input === 'string' ? value.input.trim() : '',
    output: value.output.trim(),
  };
}

/**
 * The "用 ChatGPT 清洗数据" pass: each record goes to the teacher, which returns a rewritten record or asks to
 * drop it. Kept records keep their provenance plus `cleanedBy`. A `.progress.jsonl` beside the output logs
 * `{index, status}` per record, so a rerun skips what is done.
 */
export async function cleanInstructions(options: CleanInstructionsOptions): Promise<CleanProgress> {
  const {
    records,
    client,
    outputPath,
    systemPrompt = DEFAULT_CLEAN_PROMPT,
    batchSize = 4,
    temperature = 0,
    onProgress,
    signal,
  } = options;
  const logPath = `${outputPath}.progress.jsonl`;
  await ensureFile(outputPath);
  await ensureFile(logPath);
  const { records: written } = await readResumableJsonl<InstructionRecord>(outputPath);
  const { records: log } = await readResumableJsonl<{ index: number; status: CleanStatus }>(logPath);
  const done = new Set(log.map((entry) => entry.index));
  // A run killed between writing a record and logging it left one unlogged output line: log it now.
  const logged = log.filter((entry) => entry.status !== 'dropped').length;
  if (written.length > logged) {
    const index = records.findIndex((_, position) => !done.has(position));
    const status: CleanStatus = written[written.length - 1].provenance?.cleanedBy
      ? 'rewritten'
      : 'unparseable';
    if (index >= 0) {
      await appendJsonl(logPath, { index, status });
      log.push({ index, status });
      done.add(index);
    }
  }
  const counts: Record<CleanStatus, number> = { rewritten: 0, dropped: 0, unparseable: 0, failed: 0 };
  for (const entry of log) counts[entry.status]++;
  const started = Date.now();
  const resumed = done.size;
  const progress = (): CleanProgress => {
    const elapsedMs = Date.now() - started;
    const rate = (done.size - resumed) / Math.max(elapsedMs / 1000, 1e-3);
    return {
      done: done.size,
      total: records.length,
      counts: { ...counts },
      resumed,
      elapsedMs,
      recordsPerSecond: rate,
      etaSeconds: rate > 0 ? (records.length - done.size) / rate : null,
    };
  };
  const pending = records.map((_, index) => index).filter((index) => !done.has(index));
  for (let offset = 0; offset < pending.length; offset += batchSize) {
    if (signal?.aborted)
      throw new DataGenAbortError(`cleaning aborted after ${done.size} records; rerun to resume`);
    const batch = pending.slice(offset, offset + batchSize);
    const answers = await Promise.allSettled(
      batch.map((index) => {
        const { instruction, input, output } = records[index];
        return client.complete({
          messages: [
            { role: 'system', content: systemPrompt },
            { role: 'user', content: JSON.stringify({ instruction, input, output }) },
          ],
          temperature,
          signal,
        });
      }),
    );
    if (signal?.aborted)
      throw new DataGenAbortError(`cleaning aborted after ${done.size} records; rerun to resume`);
    for (let position = 0; position < batch.length; position++) {
      const index = batch[position];
      const original = records[index];
      const answer = answers[position];
      const parsed = answer.status === 'fulfilled' ? parseCleanAnswer(answer.value.content) : undefined;
      let status: CleanStatus;
      if (answer.status === 'rejected') status = 'failed';
      else if (!parsed) status = 'unparseable';
      else status = parsed.drop ? 'dropped' : 'rewritten';
      if (status !== 'dropped') {
        const rewritten = parsed && !parsed.drop ? parsed : original;
        await appendJsonl(outputPath, {
          ...original,
          instruction: rewritten.instruction,
          input: rewritten.input,
          output: rewritten.output,
          provenance:
            status === 'rewritten'
              ? { ...original.provenance, cleanedBy: client.model }
              : original.provenance,
        });
      }
      await appendJsonl(logPath, { index, status });
      done.add(index);
      counts[status]++;
    }
    onProgress?.(progress());
  }
  return progress();
}
