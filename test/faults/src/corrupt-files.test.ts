// Truncated and corrupt files for every loader, each fed to the real `lawgpt` in a child process: the run must
// end with an error (or, for statutes, a warning) that names the file — never a crash, a hang or silence.
import { cp, mkdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, makeFixtures, removeFixtures } from './fixtures.js';
import { lawgpt, output, runLawgpt } from './harness.js';
import { classify, record } from './tally.js';

/** A bad input: `make` builds it in `dir` and returns the command and what the error must name. */
interface Case {
  name: string;
  /** The run ends 0 with a warning naming the file (statutes) instead of an error. */
  warning?: boolean;
  make: (dir: string) => Promise<{ args: string[]; names: string }>;
}

let fixtures: Fixtures;
let gguf: string;
let checkpointed: string;

/** Overwrite bytes of `file` at `offset`. */
async function poke(file: string, offset: number, bytes: Uint8Array): Promise<void> {
  const data = await readFile(file);
  data.set(bytes, offset);
  await writeFile(file, data);
}
const half = async (file: string) => truncate(file, Math.floor((await stat(file)).size / 2));
const garbage = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 131 + 7) % 256);
/** A copy of the fixture folder `from` in `dir`. */
async function copy(from: string, dir: string): Promise<string> {
  const to = join(dir, 'copy');
  await cp(from, to, { recursive: true });
  return to;
}
const infer = (model: string, ...extra: string[]) => [
  'infer',
  '--model',
  model,
  '--prompt',
  '盗窃',
  '--max-new-tokens',
  '1',
  ...extra,
];

const model: Case[] = [
  ['model.safetensors cut in half', (file: string) => half(file)],
  [
    'model.safetensors header length past the end',
    (file: string) => poke(file, 0, new Uint8Array(8).fill(0xff)),
  ],
  [
    'model.safetensors header JSON broken',
    (file: string) => poke(file, 8, new TextEncoder().encode('{"x":[1,')),
  ],
  ['model.safetensors of 0 bytes', (file: string) => truncate(file, 0)],
  [
    'model.safetensors a folder',
    async (file: string) => {
      await rm(file);
      await mkdir(file);
    },
  ],
].map(([name, spoil]) => ({
  name: name as string,
  make: async (dir) => {
    const folder = await copy(fixtures.base, dir);
    const file = join(folder, 'model.safetensors');
    await (spoil as (file: string) => Promise<void>)(file);
    return { args: infer(folder), names: file };
  },
}));
model.push(
  {
    name: 'NaN in model.norm.weight',
    make: async (dir) => {
      const folder = await copy(fixtures.base, dir);
      const file = join(folder, 'model.safetensors');
      const data = await readFile(file);
      const length = Number(data.readBigUInt64LE(0));
      const header = JSON.parse(data.subarray(8, 8 + length).toString()) as Record<
        string,
        { data_offsets: number[] }
      >;
      const [begin, end] = header['model.norm.weight']!.data_offsets;
      data.fill(0xff, 8 + length + begin!, 8 + length + end!);
      await writeFile(file, data);
      return { args: infer(folder), names: 'model.norm.weight' };
    },
  },
  {
    name: 'config.json cut in half',
    make: async (dir) => {
      const folder = await copy(fixtures.base, dir);
      await half(join(folder, 'config.json'));
      return { args: infer(folder), names: join(folder, 'config.json') };
    },
  },
  {
    name: 'config.json hidden_size not a number',
    make: async (dir) => {
      const folder = await copy(fixtures.base, dir);
      const file = join(folder, 'config.json');
      const config = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...config, hidden_size: 'big' }));
      return { args: infer(folder), names: file };
    },
  },
);

const ggufCases: Case[] = [
  ['cut in half', (file: string) => half(file)],
  ['bad magic', (file: string) => poke(file, 0, new TextEncoder().encode('GGML'))],
  ['metadata count 2^64-1', (file: string) => poke(file, 16, new Uint8Array(8).fill(0xff))],
  ['tensor count 2^63', (file: string) => poke(file, 8, Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0x80]))],
  ['last tensor cut short', async (file: string) => truncate(file, (await stat(file)).size - 40)],
].map(([name, spoil]) => ({
  name: `GGUF ${name}`,
  make: async (dir) => {
    const file = join(dir, 'model.gguf');
    await cp(gguf, file);
    await (spoil as (file: string) => Promise<void>)(file);
    return { args: infer(file), names: file };
  },
}));

const tokenizerCases: Case[] = [
  ['tokenizer.model cut in half', 'tokenizer.model', (file: string) => half(file)],
  ['tokenizer.model of random bytes', 'tokenizer.model', (file: string) => writeFile(file, garbage(3000))],
  ['tokenizer.model of 0 bytes', 'tokenizer.model', (file: string) => truncate(file, 0)],
  ['tokenizer.json cut in half', 'tokenizer.json', (file: string) => half(file)],
  [
    'tokenizer.json without model.vocab',
    'tokenizer.json',
    (file: string) => writeFile(file, '{"model":{"type":"BPE"}}'),
  ],
  ['tokenizer.json an array', 'tokenizer.json', (file: string) => writeFile(file, '[]')],
].map(([name, kind, spoil]) => ({
  name: name as string,
  make: async (dir) => {
    const file = join(dir, kind as string);
    await cp(join(fixtures.base, kind as string), file);
    await (spoil as (file: string) => Promise<void>)(file);
    return { args: ['tokenizer', 'encode', '--tokenizer', file, '盗窃罪'], names: file };
  },
}));

const adapterCases: Case[] = [
  ['adapter_config.json cut in half', 'adapter_config.json', (file: string) => half(file)],
  [
    'adapter_config.json r not a number',
    'adapter_config.json',
    async (file: string) =>
      writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), r: 'eight' })),
  ],
  [
    'adapter_config.json r 8 for rank-4 tensors',
    'adapter_config.json',
    async (file: string) =>
      writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), r: 8 })),
  ],
  ['adapter_model.safetensors cut in half', 'adapter_model.safetensors', (file: string) => half(file)],
  [
    'adapter_model.safetensors of random bytes',
    'adapter_model.safetensors',
    (file: string) => writeFile(file, garbage(500)),
  ],
].map(([name, kind, spoil]) => ({
  name: name as string,
  make: async (dir) => {
    const folder = await copy(fixtures.adapter, dir);
    const file = join(folder, kind as string);
    await (spoil as (file: string) => Promise<void>)(file);
    // a rank that disagrees with the tensors is reported on the tensor file, so the folder is what must be named
    return { args: infer(fixtures.base, '--adapter', folder), names: folder };
  },
}));

const sft = (data: string, dir: string) => [
  'sft',
  '--model',
  fixtures.base,
  '--data',
  data,
  '--output',
  join(dir, 'out'),
  '--max-steps',
  '1',
];
const dataCases: Case[] = [
  [
    'instruction JSON cut in half',
    'data.json',
    async (file: string) => {
      await cp(fixtures.sft, file);
      await half(file);
    },
  ],
  [
    'instruction JSONL with a broken line',
    'data.jsonl',
    (file: string) => writeFile(file, '{"instruction":"a","output":"b"}\n{"instruction":"c",\n'),
  ],
  ['instruction file of 0 bytes', 'data.json', (file: string) => writeFile(file, '')],
  ['instruction file a folder', 'data.json', (file: string) => mkdir(file)],
  [
    'instruction output a number',
    'data.jsonl',
    (file: string) => writeFile(file, '{"instruction":"a","output":3}\n'),
  ],
].map(([name, base, spoil]) => ({
  name: name as string,
  make: async (dir) => {
    const file = join(dir, base as string);
    await (spoil as (file: string) => Promise<void>)(file);
    return { args: sft(file, dir), names: file };
  },
}));
dataCases.push(
  {
    name: 'pretraining JSONL with a torn last line',
    make: async (dir) => {
      const file = join(dir, 'corpus.jsonl');
      await writeFile(file, `${(await readFile(fixtures.corpus, 'utf8')).slice(0, -30)}`);
      return {
        args: [
          'pretrain',
          '--model',
          fixtures.base,
          '--data',
          file,
          '--output',
          join(dir, 'out'),
          '--max-steps',
          '1',
          '--block-size',
          '16',
        ],
        names: file,
      };
    },
  },
  {
    name: 'infer batch input with a broken line',
    make: async (dir) => {
      const file = join(dir, 'prompts.jsonl');
      await writeFile(file, '{"id":"a","prompt":"盗窃"}\n{"id":"b","prompt":\n');
      return {
        args: ['infer', '--model', fixtures.base, '--input', file, '--output', join(dir, 'out.jsonl')],
        names: file,
      };
    },
  },
  {
    name: 'self-instruct seeds with a broken line',
    make: async (dir) => {
      const file = join(dir, 'seeds.jsonl');
      await writeFile(file, '{"instruction":"盗窃罪？","input":"","output":"有期徒刑"}\n{"instruction":"诈');
      return {
        args: [
          'data',
          'self-instruct',
          '--seeds',
          file,
          '--base-url',
          'http://127.0.0.1:9/v1',
          '--model',
          't',
          '--output',
          join(dir, 'si.jsonl'),
        ],
        names: file,
      };
    },
  },
  {
    name: 'CAIL cases with a broken line',
    make: async (dir) => {
      const file = join(dir, 'cail.json');
      await writeFile(
        file,
        '{"fact":"某甲盗窃","meta":{"relevant_articles":[264],"accusation":["盗窃"]}}\n{"fact":"某乙',
      );
      return {
        args: [
          'data',
          'knowledge-instruct',
          '--laws',
          fixtures.laws,
          '--cail',
          file,
          '--output',
          join(dir, 'ki.json'),
        ],
        names: file,
      };
    },
  },
);

const statute = (body: string) =>
  `# 中华人民共和国测试法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n${body}\n`;
const statuteCases: Case[] = [
  ['statute with an article number twice', statute('第一条 甲。\n\n第二条 乙。\n\n第一条 丙。')],
  ['statute with an unparseable article label', statute('第一条 甲。\n\n第X条 丁。\n\n第二条 乙。')],
  ['statute file of random bytes', Buffer.from(garbage(2000)).toString('latin1')],
].map(([name, text]) => ({
  name: name as string,
  warning: true,
  make: async (dir) => {
    const laws = join(dir, 'laws');
    await cp(fixtures.laws, laws, { recursive: true });
    const file = join('刑法', '中华人民共和国坏法(2020-01-01).md');
    await writeFile(join(laws, file), text as string);
    // statute warnings name files relative to --laws
    return { args: ['data', 'kb', '--laws', laws], names: `${file}:` };
  },
}));
statuteCases.push({
  name: 'statute folder without Markdown',
  make: async (dir) => {
    const laws = join(dir, 'laws');
    await mkdir(join(laws, '刑法'), { recursive: true });
    return { args: ['data', 'kb', '--laws', laws], names: laws };
  },
});

const resume = (dir: string) => sft(fixtures.sft, dir).map((arg) => (arg === '1' ? '6' : arg));
const checkpointCases: Case[] = [
  ['trainer_state.json cut in half', 'trainer_state.json', (file: string) => half(file)],
  [
    'trainer_state.json without step',
    'trainer_state.json',
    (file: string) => writeFile(file, '{"checkpoint":"checkpoint-2","history":[]}'),
  ],
  ['checkpoint tensors cut in half', 'checkpoint-2/trainable.safetensors', (file: string) => half(file)],
  [
    'optimizer state of random bytes',
    'checkpoint-2/optimizer.safetensors',
    (file: string) => writeFile(file, garbage(700)),
  ],
  ['checkpoint folder missing', 'checkpoint-2', (folder: string) => rm(folder, { recursive: true })],
].map(([name, relative, spoil]) => ({
  name: name as string,
  make: async (dir) => {
    await cp(checkpointed, join(dir, 'out'), { recursive: true });
    const file = join(dir, 'out', relative as string);
    await (spoil as (file: string) => Promise<void>)(file);
    return { args: resume(dir), names: file };
  },
}));

beforeAll(async () => {
  fixtures = await makeFixtures();
  gguf = join(fixtures.root, 'model.gguf');
  const merged = await runLawgpt(['merge', '--model', fixtures.base, '--gguf', gguf]);
  expect(merged.code, output(merged)).toBe(0);
  // an interrupted run whose state names checkpoint-2
  checkpointed = join(fixtures.root, 'checkpointed', 'out');
  const killed = await lawgpt(resume(join(fixtures.root, 'checkpointed')).concat('--save-every', '1'), {
    fault: { at: 'rename:trainer_state\\.json\\.tmp:3:SIGKILL' },
  }).exited;
  expect(killed.signal, output(killed)).toBe('SIGKILL');
});
afterAll(() => removeFixtures(fixtures));

const groups: Record<string, Case[]> = {
  'model (safetensors, config.json)': model,
  GGUF: ggufCases,
  'tokenizer.model / tokenizer.json': tokenizerCases,
  'LoRA adapters': adapterCases,
  'training, batch, teacher and case data': dataCases,
  statutes: statuteCases,
  'training checkpoints': checkpointCases,
};

for (const [group, cases] of Object.entries(groups)) {
  describe.concurrent(`corrupt files: ${group}`, () => {
    for (const [index, item] of cases.entries()) {
      it(item.name, async () => {
        const dir = join(fixtures.root, 'cases', `${group.replace(/\W+/g, '-')}-${index}`);
        await mkdir(dir, { recursive: true });
        const { args, names } = await item.make(dir);
        const exit = await runLawgpt(args, { timeoutMs: 60_000 });
        const outcome = classify(exit, names, { warning: item.warning });
        record({ group: `corrupt: ${group}`, name: item.name, outcome, lost: 0 });
        expect(outcome, `${item.name} must name ${names}\n${output(exit)}`).toBe('named');
      });
    }
  });
}

describeWithShared(
  'corrupt files: LawBench predictions',
  ['data/lawbench/predictions/zero_shot/GPT4/3-1.json'],
  () => {
    const spoils: Array<[string, (file: string) => Promise<void>]> = [
      ['cut in half', (file) => half(file)],
      ['random bytes', (file) => writeFile(file, garbage(1000))],
      ['0 bytes', (file) => truncate(file, 0)],
      [
        'an item without prediction',
        (file) => writeFile(file, JSON.stringify({ 0: { origin_prompt: [], refr: 'x' } })),
      ],
    ];
    for (const [name, spoil] of spoils) {
      it.concurrent(`prediction file ${name}`, async () => {
        const dir = join(fixtures.root, 'cases', `predictions-${name.replace(/\W+/g, '-')}`);
        await mkdir(dir, { recursive: true });
        const file = join(dir, '3-1.json');
        await cp(sharedPath('data/lawbench/predictions/zero_shot/GPT4/3-1.json'), file);
        await spoil(file);
        const exit = await runLawgpt([
          'eval',
          'lawbench',
          '--predictions',
          dir,
          '--data',
          sharedPath('data/lawbench'),
          '--tasks',
          '3-1',
        ]);
        const outcome = classify(exit, file);
        record({ group: 'corrupt: LawBench predictions', name, outcome, lost: 0 });
        expect(outcome, output(exit)).toBe('named');
      });
    }
  },
);
