import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithCommands } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { CommandError, CorpusError } from './errors.js';
import { PieceType } from './model-proto.js';
import { trainVocabulary } from './train-vocabulary.js';

/** A small synthetic legal corpus in three formats. */
async function makeCorpus(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tok-corpus-'));
  const subjects = ['当事人', '被告人', '人民法院', '行政机关', '劳动者', '用人单位', '债权人', '债务人'];
  const verbs = ['应当', '可以', '不得', '有权'];
  const objects = ['依法承担民事责任', '提起诉讼', '申请复议', '解除劳动合同', '履行合同义务', '赔偿损失'];
  const sentences: string[] = [];
  for (let index = 0; index < 600; index++) {
    const subject = subjects[index % subjects.length];
    const verb = verbs[(index * 7) % verbs.length];
    const object = objects[(index * 5) % objects.length];
    sentences.push(`第${index + 1}条 ${subject}${verb}${object}，合同纠纷按照本法规定处理。`);
  }
  await mkdir(join(dir, 'laws', '民法'), { recursive: true });
  await writeFile(
    join(dir, 'laws', '民法', '合同法.md'),
    `# 合同法\n\n<!-- INFO END -->\n\n## 第一章\n\n${sentences.slice(0, 300).join('\n\n')}\n`,
  );
  await writeFile(join(dir, 'plain.txt'), `${sentences.slice(300, 450).join('\n')}\n`);
  await writeFile(
    join(dir, 'cases.jsonl'),
    `${sentences
      .slice(450)
      .map((fact) => JSON.stringify({ fact }))
      .join('\n')}\n`,
  );
  await writeFile(join(dir, 'terms.txt'), '合同纠纷\n民事责任\n合同纠纷\n\n 劳动合同 \n');
  return dir;
}

describe('trainVocabulary input errors', () => {
  it('reports a malformed JSONL line with file and line number', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tok-bad-'));
    await writeFile(join(dir, 'bad.jsonl'), '{"text": "好"}\n{"text": \n');
    await expect(
      trainVocabulary({ inputs: [join(dir, 'bad.jsonl')], output: join(dir, 'm.model') }),
    ).rejects.toThrow(CorpusError);
    await expect(
      trainVocabulary({ inputs: [join(dir, 'bad.jsonl')], output: join(dir, 'm.model') }),
    ).rejects.toThrow(/bad\.jsonl:2: malformed JSON/);
    await writeFile(join(dir, 'field.jsonl'), '{"fact": "好"}\n');
    await expect(
      trainVocabulary({ inputs: [join(dir, 'field.jsonl')], output: join(dir, 'm.model') }),
    ).rejects.toThrow(/field\.jsonl:1: field "text" is missing/);
  });

  it('explains how to install spm_train when it is missing', async () => {
    const dir = await makeCorpus();
    const promise = trainVocabulary({
      inputs: [join(dir, 'plain.txt')],
      output: join(dir, 'm.model'),
      spmTrain: 'no-such-spm-train',
    });
    await expect(promise).rejects.toThrow(CommandError);
    await expect(
      trainVocabulary({
        inputs: [join(dir, 'plain.txt')],
        output: join(dir, 'm.model'),
        spmTrain: 'no-such-spm-train',
      }),
    ).rejects.toThrow(/install Debian package sentencepiece/);
  });
});

describeWithCommands(
  'trainVocabulary with spm_train',
  [
    { command: 'spm_train', package: 'sentencepiece' },
    { command: 'spm_encode', package: 'sentencepiece' },
  ],
  () => {
    it('stops spm_train when the signal aborts', async () => {
      const dir = await makeCorpus();
      const controller = new AbortController();
      const promise = trainVocabulary({
        inputs: [join(dir, 'laws'), join(dir, 'plain.txt')],
        output: join(dir, 'aborted.model'),
        vocabSize: 300,
        modelType: 'bpe',
        seed: 7,
        signal: controller.signal,
        onProgress: (event) => {
          // Abort while spm_train runs: the child is killed and the model never appears.
          if (event.phase === 'train') controller.abort(new Error('stopped by test'));
        },
      });
      await expect(promise).rejects.toThrow(/stopped by test/);
      await expect(readdir(dir)).resolves.not.toContain('aborted.model');
    });

    for (const modelType of ['bpe', 'unigram'] as const) {
      it(`trains a ${modelType} model from Markdown, text and JSONL with deduplicated user-defined pieces`, async () => {
        const dir = await makeCorpus();
        const progress: string[] = [];
        const output = join(dir, 'out', `${modelType}.model`);
        const result = await trainVocabulary({
          inputs: [join(dir, 'laws'), join(dir, 'plain.txt'), join(dir, 'cases.jsonl')],
          output,
          vocabSize: 200,
          modelType,
          textField: 'fact',
          userDefinedSymbolsFile: join(dir, 'terms.txt'),
          onProgress: (event) => progress.push(event.phase),
        });
        expect(result.files).toBe(3);
        expect(result.sentences).toBe(600 + 2);
        expect(result.userDefinedSymbols).toEqual({ given: 4, unique: 3, duplicatesDropped: 1 });
        expect(result.tokenizer.modelType).toBe(modelType);
        expect(result.tokenizer.vocabSize).toBeLessThanOrEqual(200);
        const userDefined = result.tokenizer
          .entries()
          .filter((entry) => entry.type === PieceType.USER_DEFINED);
        expect(userDefined.map((entry) => entry.piece)).toEqual(['合同纠纷', '民事责任', '劳动合同']);
        expect(progress.at(-1)).toBe('done');
        const text = '被告人应当依法承担民事责任，合同纠纷 按照 2024 年规定。';
        const reference = execFileSync('spm_encode', [`--model=${output}`, '--output_format=id'], {
          input: `${text}\n`,
          encoding: 'utf8',
        }).trim();
        expect(result.tokenizer.encode(text).join(' ')).toBe(reference);
      });
    }
  },
);
