import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaConfig } from '../config.js';
import { PromptFileError } from '../errors.js';
import type { LlamaModel } from '../model.js';
import { createRandomModel } from '../random-model.js';
import { generate } from './generate.js';
import { generateBatch } from './generate-batch.js';
import { type GeneratedRecord, generateJsonl } from './generate-jsonl.js';
import type { TextTokenizer } from './text-tokenizer.js';

// A character tokenizer: <s> = 1, </s> = 2, then one id per letter.
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const tokenizer: TextTokenizer = {
  bosId: 1,
  eosId: 2,
  vocabSize: LETTERS.length + 3,
  encode: (text, { addBos = true } = {}) => [
    ...(addBos ? [1] : []),
    ...[...text].map((letter) => 3 + LETTERS.indexOf(letter)),
  ],
  decode: (ids) =>
    ids
      .filter((id) => id >= 3)
      .map((id) => LETTERS[id - 3])
      .join(''),
};

const PROMPTS = ['abc', 'hello', 'x', 'lawgpt', 'zz', 'q'];
const readLines = (path: string): GeneratedRecord[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('generateJsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'generate-jsonl-'));
  const input = join(dir, 'prompts.jsonl');
  let model: LlamaModel;
  beforeAll(async () => {
    const config = createLlamaConfig({
      vocabSize: tokenizer.vocabSize!,
      hiddenSize: 16,
      intermediateSize: 32,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
    });
    model = await createRandomModel(config, { seed: 7, std: 0.4 });
    // ids given to some records, line numbers to the others; a blank line is skipped but counts
    const lines = PROMPTS.map((prompt, index) =>
      JSON.stringify(index % 2 ? { prompt } : { id: `p${index}`, prompt }),
    );
    writeFileSync(input, [...lines.slice(0, 3), '', ...lines.slice(3)].join('\n'));
  });
  afterAll(() => model?.dispose());

  const sampling = { maxNewTokens: 5, eosTokenId: [], temperature: 0.9, seed: 3, batchSize: 2 };

  it('writes one record per prompt in input order, each group as generateBatch samples it from seed + i', async () => {
    const outputPath = join(dir, 'reference.jsonl');
    const result = await generateJsonl({ model, tokenizer, inputPath: input, outputPath, ...sampling });
    expect(result).toMatchObject({ total: 6, alreadyDone: 0, generated: 6, tokens: 30, interrupted: false });
    const lines = readLines(outputPath);
    expect(lines.map((line) => line.id)).toEqual(['p0', '2', 'p2', '5', 'p4', '7']);
    expect(lines.map((line) => line.prompt)).toEqual(PROMPTS);
    for (let group = 0; group < 3; group++) {
      const expected = await generateBatch({
        model,
        tokenizer,
        prompts: PROMPTS.slice(2 * group, 2 * group + 2),
        ...sampling,
        seed: sampling.seed + group,
      });
      expected.forEach((row, position) => {
        const line = lines[2 * group + position];
        expect(line).toMatchObject({ output: row.text, finish_reason: 'length', tokens: 5 });
      });
    }
    expect(existsSync(`${outputPath}.partial`)).toBe(false);
  });

  it('stops between groups on the signal, and a rerun (after a torn line too) ends byte-identical', async () => {
    const reference = readFileSync(join(dir, 'reference.jsonl'));
    const outputPath = join(dir, 'resumed.jsonl');
    const controller = new AbortController();
    const stopped = await generateJsonl({
      model,
      tokenizer,
      inputPath: input,
      outputPath,
      ...sampling,
      signal: controller.signal,
      onProgress: ({ generated }) => {
        if (generated >= 2) controller.abort();
      },
    });
    expect(stopped).toMatchObject({ interrupted: true, generated: 2 });
    expect(existsSync(outputPath)).toBe(false);
    const partial = readFileSync(stopped.partialPath, 'utf8');
    expect(partial.split('\n').filter(Boolean)).toHaveLength(2);
    // as if a kill had cut the second record short
    writeFileSync(stopped.partialPath, partial.slice(0, partial.length - 10));
    const starts: number[] = [];
    const resumed = await generateJsonl({
      model,
      tokenizer,
      inputPath: input,
      outputPath,
      ...sampling,
      onStart: ({ alreadyDone }) => starts.push(alreadyDone),
    });
    expect(starts).toEqual([1]);
    expect(resumed).toMatchObject({ alreadyDone: 1, generated: 5, interrupted: false });
    expect(readFileSync(outputPath).equals(reference)).toBe(true);
    // a finished output: nothing to generate, the file is kept as it is
    const again = await generateJsonl({ model, tokenizer, inputPath: input, outputPath, ...sampling });
    expect(again).toMatchObject({ alreadyDone: 6, generated: 0 });
    expect(readFileSync(outputPath).equals(reference)).toBe(true);
  });

  it('decodes each prompt alone with beams, as generate does', async () => {
    const outputPath = join(dir, 'beams.jsonl');
    const options = { maxNewTokens: 3, eosTokenId: [], numBeams: 2 };
    await generateJsonl({ model, tokenizer, inputPath: input, outputPath, batchSize: 4, ...options });
    const lines = readLines(outputPath);
    for (const [index, prompt] of PROMPTS.entries()) {
      let text = '';
      for await (const chunk of generate({ model, tokenizer, prompt, ...options })) text += chunk.text;
      expect(lines[index].output).toBe(text);
    }
  });

  it('names the file and line of a bad record, and writes an empty output for an empty input', async () => {
    const bad = join(dir, 'bad.jsonl');
    const outputPath = join(dir, 'bad-out.jsonl');
    const cases: Array<[string, RegExp]> = [
      ['{"prompt":"ok"}\n{"text":1}\n', /bad\.jsonl:2: field "prompt" must be a string/],
      ['{"prompt":"ok"}\n{"prompt":\n', /bad\.jsonl:2: not valid JSON/],
      ['{"id":1,"prompt":"a"}\n{"id":"1","prompt":"b"}\n', /bad\.jsonl:2: duplicate id "1"/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(bad, text);
      const run = generateJsonl({ model, tokenizer, inputPath: bad, outputPath });
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.toMatchObject({ path: bad, line: 2 });
      await expect(run).rejects.toBeInstanceOf(PromptFileError);
    }
    await expect(
      generateJsonl({ model, tokenizer, inputPath: join(dir, 'absent.jsonl'), outputPath }),
    ).rejects.toThrow(/absent\.jsonl: does not exist/);
    expect(existsSync(outputPath)).toBe(false);
    writeFileSync(bad, '\n');
    const empty = await generateJsonl({ model, tokenizer, inputPath: bad, outputPath });
    expect(empty).toMatchObject({ total: 0, generated: 0 });
    expect(readFileSync(outputPath, 'utf8')).toBe('');
  });
});
