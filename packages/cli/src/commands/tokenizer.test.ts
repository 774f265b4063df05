import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithCommands, describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { formatCommandHelp, parseCommandArgs, UsageError } from '../command.js';
import { tokenizerCommand } from './tokenizer.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

async function run(argv: string[]) {
  const { io, out, err } = capture();
  const code = await tokenizerCommand.run(parseCommandArgs(tokenizerCommand, argv), io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('lawgpt tokenizer', () => {
  it('documents every subcommand and option in --help', () => {
    const help = formatCommandHelp(tokenizerCommand);
    for (const word of [
      'encode',
      'decode',
      'convert',
      'train',
      'extend',
      'stats',
      '--vocab-size',
      '--user-defined',
    ]) {
      expect(help).toContain(word);
    }
  });

  it('rejects a missing subcommand or tokenizer as usage errors', async () => {
    await expect(run([])).rejects.toThrow(UsageError);
    await expect(run(['encode', 'x'])).rejects.toThrow(/needs --tokenizer/);
    await expect(run(['train', '-o', 'x.model'])).rejects.toThrow(/needs --input/);
  });
});

describeWithShared(
  'lawgpt tokenizer on the LLaMA-2 model',
  ['fixtures/tokenizers/llama2/tokenizer.model'],
  () => {
    const model = () => sharedPath('fixtures/tokenizers/llama2/tokenizer.model');

    it('encodes, shows pieces and decodes back', async () => {
      const ids = await run(['encode', '-t', model(), '法律 law']);
      expect(ids.code).toBe(0);
      const pieces = await run(['encode', '-t', model(), '--pieces', '法律 law']);
      expect(pieces.out.trim().split(' ')).toContain('▁law');
      const decoded = await run(['decode', '-t', model(), ...ids.out.trim().split(' ')]);
      expect(decoded.out).toBe('法律 law\n');
      const withBos = await run(['encode', '-t', model(), '--bos', 'a']);
      expect(withBos.out.startsWith('1 ')).toBe(true);
    });

    it('converts to the four Hugging Face files', async () => {
      const dir = join(await mkdtemp(join(tmpdir(), 'cli-tok-')), 'out');
      const result = await run(['convert', '-t', model(), '-o', dir]);
      expect(result.code).toBe(0);
      expect((await readdir(dir)).sort()).toEqual(
        ['special_tokens_map.json', 'tokenizer.json', 'tokenizer.model', 'tokenizer_config.json'].sort(),
      );
      const fromJson = await run(['encode', '-t', join(dir, 'tokenizer.json'), '法律 law']);
      const fromModel = await run(['encode', '-t', model(), '法律 law']);
      expect(fromJson.out).toBe(fromModel.out);
    });

    it('extends with a word list and reports the counts, then measures', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cli-ext-'));
      await writeFile(join(dir, 'terms.txt'), '法律\n合同纠纷\n合同纠纷\n▁the\n');
      const result = await run([
        'extend',
        '-t',
        model(),
        '--add',
        join(dir, 'terms.txt'),
        '-o',
        join(dir, 'out'),
      ]);
      expect(result.out).toContain('32000 + 2 = 32002 pieces (already present 1, duplicates dropped 1');
      await writeFile(join(dir, 'texts.txt'), '中华人民共和国民法典\n合同纠纷\n');
      const stats = await run(['stats', '-t', model(), '-t', join(dir, 'out'), '-i', join(dir, 'texts.txt')]);
      const rows = stats.out.trim().split('\n');
      expect(rows).toHaveLength(4);
      expect(rows[2]).toContain('| 32000 | 2 | 14 | 14 |');
      expect(rows[3]).toContain('| 32002 |');
    });
  },
);

describeWithCommands('lawgpt tokenizer train', [{ command: 'spm_train', package: 'sentencepiece' }], () => {
  it('trains a model and renders progress on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-train-'));
    const lines = Array.from(
      { length: 300 },
      (_, index) => `第${index}条 当事人应当依法履行合同义务，承担民事责任。`,
    );
    await writeFile(join(dir, 'corpus.txt'), `${lines.join('\n')}\n`);
    const result = await run([
      'train',
      '-i',
      join(dir, 'corpus.txt'),
      '--vocab-size',
      '120',
      '--model-type',
      'bpe',
      '-o',
      join(dir, 'legal.model'),
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('legal.model: ');
    expect(result.out).toContain('(bpe) from 1 files, 300 lines');
    expect(result.err).toContain('done');
  });
});
