// Every command that pairs a tokenizer with a model refuses vocabularies that do not fit (before any work);
// infer batches keep their .partial resumable; generation stops at max_position_embeddings unless
// --allow-long-context.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

let root: string;
let size: number;
let room: number[];

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

async function saveModel(
  dir: string,
  vocabSize: number,
  tokenizer: ReturnType<typeof createCharacterTokenizer>,
) {
  const config = createLlamaConfig({
    vocabSize,
    hiddenSize: 16,
    intermediateSize: 32,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    maxPositionEmbeddings: 24,
    eosTokenId: null,
  });
  const model = await createRandomModel(config, { seed: 5, std: 0.3 });
  await model.save(dir);
  await tokenizer.save(dir);
  model.dispose();
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lawgpt-checks-'));
  const tokenizer = createCharacterTokenizer({ texts: ['盗窃公私财物数额较大的处三年以下有期徒刑'] });
  size = tokenizer.vocabSize;
  // the positions each prompt of in.jsonl leaves to generate (24 in all)
  room = ['甲', '乙', '丙'].map((prompt) => 24 - tokenizer.encode(prompt, { addBos: true }).length);
  await saveModel(join(root, 'ok'), size, tokenizer);
  // a model with 12 more ids than its tokenizer can decode
  await saveModel(join(root, 'wide'), size + 12, tokenizer);
  await writeFile(
    join(root, 'in.jsonl'),
    ['甲', '乙', '丙'].map((prompt) => JSON.stringify({ prompt })).join('\n'),
  );
  await writeFile(join(root, 'sft.json'), JSON.stringify([{ instruction: '问', input: '', output: '答' }]));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('vocabulary checks before any work', () => {
  it('infer, serve, eval run, sft and merge refuse a model that can generate ids the tokenizer cannot decode', async () => {
    const wide = join(root, 'wide');
    const message = `the model ${wide} has a vocabulary of ${size + 12} ids but the tokenizer ${wide} has ${size}`;
    const output = join(root, 'never.jsonl');
    const commands = [
      ['infer', '--model', wide, '--input', join(root, 'in.jsonl'), '--output', output],
      ['serve', '--model', wide, '--port', '0'],
      ['eval', 'run', '--model-dir', wide, '--data', root, '--output', join(root, 'preds')],
      ['sft', '--model', wide, '--data', join(root, 'sft.json'), '--output', join(root, 'sft')],
      ['merge', '--model', wide, '--gguf', join(root, 'never.gguf')],
    ];
    for (const argv of commands) {
      const result = await run(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 1 });
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain(
        `Use the tokenizer the model was trained with, or resize the model to ${size} ids`,
      );
    }
    for (const path of [output, `${output}.partial`, join(root, 'never.gguf'), join(root, 'sft')]) {
      expect(existsSync(path)).toBe(false);
    }
  });
});

describe('infer batches and the context length', () => {
  it('a failed batch leaves a resumable .partial (never an empty one) and names it', async () => {
    const input = join(root, 'fails.jsonl');
    const output = join(root, 'out.jsonl');
    // with --no-bos the empty prompt encodes to no token: its batch fails
    const records = (second: string) =>
      [
        '{"id":"a","prompt":"甲"}',
        JSON.stringify({ id: 'b', prompt: second }),
        '{"id":"c","prompt":"丙"}',
      ].join('\n');
    const argv = ['infer', '--model', join(root, 'ok'), '--no-bos', '--batch-size', '1', '-n', '3'];
    await writeFile(input, records(''));
    const first = await run([...argv, '--input', input, '--output', output]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`1 records kept in ${output}.partial; rerun the same command to resume`);
    expect(
      (await readFile(`${output}.partial`, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(['a']);
    await writeFile(input, records('乙'));
    const second = await run([...argv, '--input', input, '--output', output]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('3 prompts, 1 already done, 2 to generate');
    expect((await readFile(output, 'utf8')).trim().split('\n')).toHaveLength(3);
    // a failure in the very first batch leaves no .partial at all
    const fresh = join(root, 'fresh.jsonl');
    await writeFile(input, records('').replace('"甲"', '""'));
    expect((await run([...argv, '--input', input, '--output', fresh])).code).toBe(1);
    expect(existsSync(`${fresh}.partial`)).toBe(false);
  });

  it('stops at max_position_embeddings with finish_reason "length" and one warning; --allow-long-context goes on', async () => {
    const argv = ['infer', '--model', join(root, 'ok'), '--input', join(root, 'in.jsonl'), '-n', '300'];
    const stopped = await run([...argv, '--output', join(root, 'ctx.jsonl')]);
    expect(stopped.code).toBe(0);
    const lines = (await readFile(join(root, 'ctx.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.tokens, line.finish_reason])).toEqual(
      room.map((tokens) => [tokens, 'length']),
    );
    expect(room.every((tokens) => tokens > 10 && tokens < 30)).toBe(true);
    expect(
      stopped.stderr.match(/warning: generation stopped at max_position_embeddings \(24 positions/g),
    ).toHaveLength(1);
    expect(stopped.stderr).toContain('--allow-long-context');
    const long = await run([
      ...argv,
      '-n',
      '30',
      '--allow-long-context',
      '--output',
      join(root, 'long.jsonl'),
    ]);
    expect(long.code).toBe(0);
    const longLines = (await readFile(join(root, 'long.jsonl'), 'utf8')).trim().split('\n');
    expect(longLines.map((line) => JSON.parse(line).tokens)).toEqual([30, 30, 30]);
    expect(long.stderr).toContain(
      'warning: generating past max_position_embeddings (24) as allowLongContext asks, with no RoPE scaling',
    );
  });
});
