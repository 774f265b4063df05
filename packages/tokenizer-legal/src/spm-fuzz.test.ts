import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithCommands, describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';

/** Random single-line strings mixing ASCII, spaces, CJK, emoji, full-width, combining and invisible characters. */
function randomTexts(count: number, seed: number): string[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const pools = [
    'abcdefg hijk XYZ 0123456789',
    '  \t',
    '法律合同纠纷中华人民共和国第一条的了是',
    '，。；：“”（）【】',
    '😀👍🏽🇨🇳𠮷㐀',
    'ﬁ①Ⅻ２０２３ＡＢｃ',
    'é̂ñ',
    '▁<s></s><unk><0x41>',
    '\u00a0\u3000\u200b\ufeff\u0001',
  ].map((pool) => [...pool]);
  return Array.from({ length: count }, () => {
    let text = '';
    const length = 1 + Math.floor(random() * 40);
    for (let index = 0; index < length; index++) {
      const pool = pools[Math.floor(random() * pools.length)];
      text += pool[Math.floor(random() * pool.length)];
    }
    return text;
  });
}

describeWithCommands(
  'random strings vs spm_encode / spm_decode',
  [
    { command: 'spm_encode', package: 'sentencepiece' },
    { command: 'spm_decode', package: 'sentencepiece' },
  ],
  () => {
    const files = ['llama2/tokenizer.model', 'chinese-llama/tokenizer.model', 'chinese-sp/chinese_sp.model'];
    describeWithShared(
      'fixture models',
      files.map((file) => `fixtures/tokenizers/${file}`),
      () => {
        for (const file of files) {
          it(`${file}: 500 random strings encode and decode as sentencepiece does`, async () => {
            const texts = randomTexts(500, 20240501);
            const dir = await mkdtemp(join(tmpdir(), 'tok-fuzz-'));
            await writeFile(join(dir, 'texts.txt'), `${texts.join('\n')}\n`);
            const model = sharedPath('fixtures/tokenizers', file);
            const ids = execFileSync(
              'spm_encode',
              [`--model=${model}`, '--output_format=id', join(dir, 'texts.txt')],
              {
                encoding: 'utf8',
              },
            ).split('\n');
            const decoded = execFileSync('spm_decode', [`--model=${model}`, '--input_format=id'], {
              input: `${ids.slice(0, texts.length).join('\n')}\n`,
              encoding: 'utf8',
            }).split('\n');
            const tokenizer = await loadTokenizer(model);
            const badEncode = texts.filter((text, index) => tokenizer.encode(text).join(' ') !== ids[index]);
            const badDecode = texts.filter(
              (text, index) => tokenizer.decode(tokenizer.encode(text)) !== decoded[index],
            );
            expect(badEncode).toEqual([]);
            expect(badDecode).toEqual([]);
          });
        }
      },
    );
  },
);
