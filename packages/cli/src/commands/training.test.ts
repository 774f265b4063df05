import { createHash } from 'node:crypto';
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
const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const trainedOn = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'training_data.json'), 'utf8')) as {
    command: string;
    files: {
      path: string;
      sha256: string;
      records: number;
      weight?: number;
      stage?: string;
      from?: string;
    }[];
  };

async function run(argv: string[], onStderr?: (text: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const stderr = (text: string) => {
    err.push(text);
    onStderr?.(text);
  };
  const code = await main(argv, { stdout: (t) => out.push(t), stderr });
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
    expect((await trainedOn(join(root, 'pretrain'))).files).toMatchObject([
      { path: join(root, 'corpus.jsonl'), records: texts.length },
    ]);
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
    // provenance: what the adapter was trained on, carried into the merged model
    const trained = await trainedOn(join(root, 'sft'));
    expect(trained).toMatchObject({ format: 'lawgpt-training-data', version: 1, command: 'sft' });
    expect(trained.files).toEqual([
      { path: join(root, 'sft.json'), sha256: await sha256(join(root, 'sft.json')), records: 1 },
    ]);
    expect(await trainedOn(join(root, 'merged'))).toEqual(trained);
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

describe('lawgpt sft: weighted --data, --stages, --init-adapter', () => {
  const records = (answers: string[]) =>
    JSON.stringify(answers.map((output, i) => ({ instruction: `问答${i}：`, input: '', output })));
  const common = ['--model', '', '--backend', 'cpu', '--batch-size', '2', '--template', 'alpaca-zh'];
  const args = (...rest: string[]) => ['sft', ...common.map((v) => v || join(root, 'base')), ...rest];
  const stagesFile = async (stages: unknown) => {
    await writeFile(join(root, 'stages.json'), JSON.stringify({ stages }));
    return join(root, 'stages.json');
  };
  const twoStages = [
    { name: 'mixed', data: ['legal.json:0.7', 'general.json:0.3'], learningRate: 1e-2, maxSteps: 3 },
    { name: 'legal', data: ['legal.json'], learningRate: 5e-3, maxSteps: 3, schedule: 'constant' },
  ];

  beforeAll(async () => {
    await writeFile(
      join(root, 'legal.json'),
      records(['处三年以下有期徒刑。', '数额较大的，处罚。', '盗窃']),
    );
    await writeFile(join(root, 'general.json'), records(['公私财物。', '诈骗。']));
  });

  it('draws --data files by weight: the mixture is in the checkpoint, other weights are refused', async () => {
    const data = ['--data', join(root, 'legal.json:0.7'), '--data', join(root, 'general.json:0.3')];
    const output = ['--output', join(root, 'mixed'), '--max-steps', '3'];
    const first = await run(args(...data, ...output));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('sft: 3 (weight 0.7) + 2 (weight 0.3) examples mixed by weight');
    const state = JSON.parse(await readFile(join(root, 'mixed/trainer_state.json'), 'utf8'));
    expect(state.mixing.draws).toBe(6);
    expect(state.settings).toMatchObject({ mixWeights: '0.7,0.3', mixSizes: '3,2' });
    const other = ['--data', join(root, 'legal.json:1'), '--data', join(root, 'general.json:1')];
    const changed = await run(args(...other, ...output));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('  --data weights (normalised): 0.7,0.3 → 0.5,0.5\n');
    const half = await run(
      args('--data', join(root, 'legal.json:0.7'), '--data', join(root, 'general.json'), ...output),
    );
    expect(half.code).toBe(2);
    expect(half.stderr).toContain(`--data ${join(root, 'general.json')} has no weight`);
  });

  it('trains stages in turn, each from the last adapter; resumes in the stage a Ctrl-C stopped; --init-adapter chains the same', async () => {
    const file = await stagesFile(twoStages);
    const straight = await run(args('--stages', file, '--output', join(root, 'two')));
    expect(straight.code, straight.stderr).toBe(0);
    expect(straight.stdout).toMatch(
      /^sft stage 1\/2 \(mixed\): done, 3 steps, .*\nsft stage 2\/2 \(legal\): done, 3 steps/,
    );
    expect(straight.stderr).toContain(`LoRA on 2 modules from ${join(root, 'two/stage-1-mixed')}`);
    const second = JSON.parse(await readFile(join(root, 'two/stage-2-legal/trainer_state.json'), 'utf8'));
    expect(second.settings).toMatchObject({ learningRate: 5e-3, schedule: 'constant', totalSteps: 3 });
    expect(second.settings.initAdapterSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(root, 'two/stage-2-legal/tokenizer_config.json'))).toBe(true);
    // provenance: each stage lists the files of the stages before it, then its own, with weights and stages
    const [legal, general] = [join(root, 'legal.json'), join(root, 'general.json')];
    const staged = await trainedOn(join(root, 'two/stage-2-legal'));
    expect(staged.files).toEqual([
      {
        path: legal,
        sha256: await sha256(legal),
        records: 3,
        weight: 0.7,
        stage: 'stage-1-mixed',
        from: join(root, 'two/stage-1-mixed'),
      },
      {
        path: general,
        sha256: await sha256(general),
        records: 2,
        weight: 0.3,
        stage: 'stage-1-mixed',
        from: join(root, 'two/stage-1-mixed'),
      },
      { path: legal, sha256: await sha256(legal), records: 3, stage: 'stage-2-legal' },
    ]);
    expect((await trainedOn(join(root, 'two/stage-1-mixed'))).files).toHaveLength(2);
    expect(await trainedOn(join(root, 'two'))).toEqual(staged);

    // Ctrl-C after stage 2's first step, then the same command again
    const stopped = await run(args('--stages', file, '--output', join(root, 'two-b')), (text) => {
      if (text.startsWith('sft stage 2/2 (legal) 1/3')) process.emit('SIGINT', 'SIGINT');
    });
    expect(stopped.code, stopped.stderr).toBe(130);
    const resumed = await run(args('--stages', file, '--output', join(root, 'two-b')));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^sft stage 1\/2 \(mixed\): already finished: 3 steps/);
    expect(resumed.stderr).toContain('sft stage 2/2 (legal): resuming from step 1 of 3');
    // two chained runs with --init-adapter: the same second stage
    const init = [
      '--init-adapter',
      join(root, 'two/stage-1-mixed'),
      '--lr',
      '5e-3',
      '--schedule',
      'constant',
    ];
    const again = await run(
      args(
        '--data',
        join(root, 'legal.json'),
        ...init,
        '--max-steps',
        '3',
        '--output',
        join(root, 'chained'),
      ),
    );
    expect(again.code, again.stderr).toBe(0);
    expect((await trainedOn(join(root, 'chained'))).files.map((f) => [f.path, f.stage, f.from])).toEqual([
      [legal, 'stage-1-mixed', join(root, 'two/stage-1-mixed')],
      [general, 'stage-1-mixed', join(root, 'two/stage-1-mixed')],
      [legal, undefined, undefined],
    ]);
    for (const dir of ['two-b/stage-2-legal', 'chained']) {
      const [a, b] = await Promise.all(
        [join(root, 'two/stage-2-legal'), join(root, dir)].map((d) =>
          readFile(join(d, 'adapter_model.safetensors')),
        ),
      );
      expect(Buffer.compare(a!, b!), dir).toBe(0);
    }
  });

  it('checks the stages file before loading a model, naming the file and the field', async () => {
    const cases: Array<[unknown, string]> = [
      [
        [{ ...twoStages[0], learningRate: 'fast' }],
        'stages[0].learningRate must be a positive number, got "fast"',
      ],
      [[twoStages[0], { ...twoStages[1], lr: 1 }], 'stages[1].lr is not a stage field'],
      [
        [{ ...twoStages[0], maxSteps: undefined }],
        'stages[0].maxSteps or epochs (one of the two) is required',
      ],
      [
        [{ ...twoStages[0], data: ['legal.json:0.7', 'general.json'] }],
        'stages[0].data general.json has no weight',
      ],
      [[{ ...twoStages[0], data: ['missing.json'] }], 'stages[0].data[0]: '],
      [{}, 'stages must be a non-empty array'],
    ];
    for (const [stages, message] of cases) {
      const file = await stagesFile(stages);
      // a model folder that is not there: loading it would fail with exit code 1, not the file's usage error
      const missing = ['--model', join(root, 'no-model')];
      const result = await run(args('--stages', file, '--output', join(root, 'never'), ...missing));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`${file}: ${message}`);
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});
