import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { createCharacterTokenizer, extendTokenizer } from '@lawgpt/tokenizer-legal';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const texts = [
  '盗窃公私财物，数额较大的，处三年以下有期徒刑。',
  '诈骗公私财物，数额较大的，处三年以下有期徒刑。',
];
let root: string;

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lawgpt-cli-train-'));
  const tokenizer = createCharacterTokenizer({ texts: [...texts, '问答：'] });
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 1,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
  });
  const model = await createRandomModel(config, { seed: 1 });
  await model.save(join(root, 'base'));
  await tokenizer.save(join(root, 'base'));
  model.dispose();
  // An extended tokenizer: pretraining must resize the model for it.
  await extendTokenizer(tokenizer, ['有期', '徒刑', '有期徒刑']).tokenizer.save(join(root, 'extended'));
  await writeFile(join(root, 'corpus.jsonl'), texts.map((content) => JSON.stringify({ content })).join('\n'));
  await writeFile(
    join(root, 'sft.json'),
    JSON.stringify([{ instruction: '盗窃罪怎么处罚？', input: '', output: '处三年以下有期徒刑。' }]),
  );
});

describe('lawgpt pretrain / sft / merge / infer', () => {
  it('pretrains with an extended tokenizer: resizes the model and saves the new rows in the adapter', async () => {
    const result = await run([
      'pretrain',
      '--model',
      join(root, 'base'),
      '--tokenizer',
      join(root, 'extended'),
      '--data',
      join(root, 'corpus.jsonl'),
      '--output',
      join(root, 'pretrain'),
      '--block-size',
      '16',
      '--batch-size',
      '2',
      '--max-steps',
      '3',
      '--backend',
      'cpu',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/resizing the vocabulary \d+ → \d+/);
    expect(result.stderr).toMatch(/pretrain 3\/3 \(100%\) loss [\d.]+/);
    const config = JSON.parse(await readFile(join(root, 'pretrain/adapter_config.json'), 'utf8'));
    expect(config.modules_to_save).toEqual(['embed_tokens', 'lm_head']);
    expect(existsSync(join(root, 'pretrain/tokenizer.model'))).toBe(true);
  });

  it('instruction-tunes, merges the adapter, and answers with the adapter unmerged or merged alike', async () => {
    const sft = await run([
      'sft',
      '--model',
      join(root, 'base'),
      '--data',
      join(root, 'sft.json'),
      '--output',
      join(root, 'sft'),
      '--max-steps',
      '4',
      '--lr',
      '1e-2',
      '--template',
      'alpaca-zh',
      '--backend',
      'cpu',
    ]);
    expect(sft.code, sft.stderr).toBe(0);
    const merge = await run([
      'merge',
      '--model',
      join(root, 'base'),
      '--adapter',
      join(root, 'sft'),
      '--output',
      join(root, 'merged'),
    ]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stdout).toMatch(/merged 2 LoRA modules/);
    const prompt = ['--prompt', '盗窃', '--max-new-tokens', '8', '--backend', 'cpu'];
    const unmerged = await run([
      'infer',
      '--model',
      join(root, 'base'),
      '--adapter',
      join(root, 'sft'),
      ...prompt,
    ]);
    const merged = await run(['infer', '--model', join(root, 'merged'), ...prompt]);
    const plain = await run(['infer', '--model', join(root, 'base'), ...prompt]);
    expect(unmerged.code, unmerged.stderr).toBe(0);
    expect(merged.stdout).toBe(unmerged.stdout);
    expect(plain.stdout).not.toBe(unmerged.stdout);
  });

  it('says a finished run is finished, and refuses other settings naming each flag (--force-resume goes on)', async () => {
    const args = [
      ...['sft', '--model', join(root, 'base'), '--data', join(root, 'sft.json')],
      ...['--output', join(root, 'sft-again'), '--max-steps', '2', '--backend', 'cpu'],
    ];
    expect((await run(args)).code).toBe(0);
    const again = await run(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^sft: already finished: 2 steps, final loss \d+\.\d{4} → /);
    const changed = await run([...args, '--lr', '1e-2', '--lora-r', '4', '--max-steps', '3']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('the checkpoint was made with other settings:');
    expect(changed.stderr).toContain('  --lora-r: 8 → 4\n');
    expect(changed.stderr).toContain('  --lr: 0.0003 → 0.01\n');
    expect(changed.stderr).toContain('  total steps (--max-steps, --epochs): 2 → 3\n');
    const forced = await run([...args, '--lr', '1e-2', '--max-steps', '3', '--force-resume']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(
      'sft: --force-resume: continuing from step 2 although these settings changed:',
    );
    expect(forced.stdout).toMatch(/^sft: done, 3 steps/);
  });

  it('names the missing option and a bad data line', async () => {
    expect((await run(['sft', '--model', join(root, 'base')])).stderr).toMatch(
      /--model, --data and --output are required/,
    );
    await writeFile(join(root, 'bad.jsonl'), '{"instruction":"a","output":"b"}\n{oops\n');
    const bad = await run([
      'sft',
      '--model',
      join(root, 'base'),
      '--data',
      join(root, 'bad.jsonl'),
      '--output',
      join(root, 'x'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.jsonl:2: malformed JSON line/);
  });
});
