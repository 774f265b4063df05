// Batch mode of `lawgpt infer`: JSONL in, JSONL out, appended per batch to FILE.partial and renamed at the end;
// a rerun skips the records already written.
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { appendJsonl, readJsonlJournal, writeFileAtomic } from '@lawgpt/common';
import {
  type GenerateOptions,
  type GenerateResult,
  generate,
  generateBatch,
  type LlamaModel,
} from '@lawgpt/llama-core';
import { type CommandIO, UsageError } from '../command.js';
import { INTERRUPTED, runInterruptible } from '../interrupt.js';
import type { CliTokenizer } from '../runtime.js';
import { DEFAULT_SEED } from '../seed.js';

export type Sampling = Omit<GenerateOptions, 'model' | 'tokenizer' | 'prompt' | 'inputIds'>;

type Tokenizer = CliTokenizer;

interface BatchRecord {
  id: string;
  prompt: string;
}

export async function runBatch(
  model: LlamaModel,
  tokenizer: Tokenizer,
  { input: inputPath, output: outputPath }: { input: string; output: string },
  batchSize: number,
  sampling: Sampling,
  io: CommandIO,
): Promise<number> {
  const records = await readInput(inputPath);
  const partialPath = `${outputPath}.partial`;
  const done = await readDone(existsSync(partialPath) ? partialPath : outputPath);
  // rewrite the finished records (dropping a torn last line) before appending to them; with none, leave no
  // .partial at all (the first finished batch creates it), so a failure never leaves an empty one
  if (done.records.length > 0) {
    await writeFileAtomic({
      path: partialPath,
      data: done.records.map((record) => `${JSON.stringify(record)}\n`).join(''),
    });
  } else {
    await rm(partialPath, { force: true });
  }
  // Batches are fixed slices of the input, each sampled from its own seed: a resumed run generates exactly
  // what an uninterrupted one does (a batch cut short by a kill is generated again, and its missing records kept).
  const groups = Array.from({ length: Math.ceil(records.length / batchSize) }, (_, index) =>
    records.slice(index * batchSize, (index + 1) * batchSize),
  );
  const todo = records.filter((record) => !done.ids.has(record.id));
  io.stderr(
    `${records.length} prompts, ${records.length - todo.length} already done, ${todo.length} to generate\n`,
  );
  const started = performance.now();
  let tokens = 0;
  let finished = 0;
  const messages = {
    finishing: 'finishing the current batch',
    stopped: () =>
      `${done.records.length + finished} records kept in ${partialPath}; rerun the same command to resume`,
  };
  return runInterruptible('infer', io, messages, async (signal) => {
    for (const [index, group] of groups.entries()) {
      const missing = group.filter((record) => !done.ids.has(record.id));
      if (missing.length === 0) continue;
      // a macrotask turn, so that a SIGINT during the last batch is seen before the next one starts
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) return INTERRUPTED;
      const seed = (sampling.seed ?? DEFAULT_SEED) + index;
      const results = await generateGroup(model, tokenizer, group, { ...sampling, seed }).catch(
        (error: Error) => {
          const kept = done.records.length + finished;
          if (kept > 0)
            io.stderr(`${kept} records kept in ${partialPath}; rerun the same command to resume\n`);
          throw error;
        },
      );
      const lines = group.flatMap((record, position) => {
        if (done.ids.has(record.id)) return [];
        const result = results[position]!;
        return [
          {
            id: record.id,
            prompt: record.prompt,
            output: result.text,
            finish_reason: result.finishReason,
            tokens: result.tokenIds.length,
          },
        ];
      });
      await appendJsonl({ path: partialPath, records: lines });
      finished += missing.length;
      tokens += results.reduce((sum, result) => sum + result.tokenIds.length, 0);
      const seconds = (performance.now() - started) / 1000;
      const eta = (seconds / finished) * (todo.length - finished);
      io.stderr(
        `[${finished}/${todo.length}] ${(tokens / seconds).toFixed(1)} tokens/s, ETA ${eta.toFixed(0)} s\n`,
      );
    }
    if (existsSync(partialPath)) await rename(partialPath, outputPath);
    io.stderr(`wrote ${records.length} records to ${outputPath}\n`);
    return 0;
  });
}

/** Several prompts decoded together (left-padded), or one at a time for beam search. */
async function generateGroup(
  model: LlamaModel,
  tokenizer: Tokenizer,
  group: BatchRecord[],
  sampling: Sampling,
): Promise<GenerateResult[]> {
  if ((sampling.numBeams ?? 1) <= 1) {
    return generateBatch({ model, tokenizer, prompts: group.map((record) => record.prompt), ...sampling });
  }
  const results: GenerateResult[] = [];
  for (const record of group) {
    for await (const chunk of generate({ model, tokenizer, prompt: record.prompt, ...sampling })) {
      results.push({
        text: chunk.text,
        tokenIds: chunk.tokenIds,
        finishReason: chunk.finishReason ?? 'length',
      });
    }
  }
  return results;
}

async function readInput(path: string): Promise<BatchRecord[]> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read --input ${path}: ${error.message}`);
  });
  const records: BatchRecord[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let json: { id?: unknown; prompt?: unknown };
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`${path}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof json?.prompt !== 'string')
      throw new UsageError(`${path}:${index + 1}: field "prompt" must be a string`);
    const id = json.id === undefined ? String(index + 1) : String(json.id);
    if (seen.has(id)) throw new UsageError(`${path}:${index + 1}: duplicate id ${JSON.stringify(id)}`);
    seen.add(id);
    records.push({ id, prompt: json.prompt });
  });
  return records;
}

/** Finished records of an earlier run (those with an id); a torn last line (interrupted write) is cut off. */
async function readDone(path: string): Promise<{ ids: Set<string>; records: Array<{ id: string }> }> {
  const { records } = await readJsonlJournal<{ id?: unknown }>({ path });
  const finished = records.filter((record): record is { id: string } => typeof record?.id === 'string');
  return { ids: new Set(finished.map((record) => record.id)), records: finished };
}
