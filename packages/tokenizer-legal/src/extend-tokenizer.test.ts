import { readFileSync } from 'node:fs';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { extendTokenizer } from './extend-tokenizer.js';
import { buildTestModel } from './internal/test-model.js';
import { loadTokenizer } from './load-tokenizer.js';
import { PieceType } from './model-proto.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

describe('extendTokenizer', () => {
  const base = new SentencePieceTokenizer(
    buildTestModel({
      pieces: [
        ['\u2581', -1],
        ['法', -2],
        ['律', -3],
      ],
    }),
  );

  it('appends new pieces with score 0 and type NORMAL, keeping every existing id', () => {
    const { tokenizer, report } = extendTokenizer(base, ['法律', '法', ' 合同 ', '法律', '', '合同纠纷']);
    expect(report).toMatchObject({
      baseSize: 6,
      added: 3,
      alreadyPresent: 1,
      duplicatesDropped: 1,
      emptyDropped: 1,
      vocabSize: 9,
      addedPieces: ['法律', '合同', '合同纠纷'],
    });
    // 合同 and 合同纠纷 cannot be built by BPE merges from existing pieces (纠纷 is absent).
    expect(report.unreachable).toBe(2);
    expect(tokenizer.entries().slice(0, 6)).toEqual(base.entries());
    expect(tokenizer.entries().slice(6)).toEqual([
      { piece: '法律', score: 0, type: PieceType.NORMAL },
      { piece: '合同', score: 0, type: PieceType.NORMAL },
      { piece: '合同纠纷', score: 0, type: PieceType.NORMAL },
    ]);
    expect(tokenizer.encodePieces('法律')).toEqual(['\u2581', '法律']);
    expect(base.encodePieces('法律')).toEqual(['\u2581', '法', '律']);
  });

  it('takes the pieces of another model in id order', () => {
    const other = new SentencePieceTokenizer(
      buildTestModel({
        modelType: 'unigram',
        pieces: [
          ['律师', -1],
          ['法', -2],
        ],
      }),
    );
    const { report } = extendTokenizer(base, other);
    // <unk>, <s>, </s>, 法 already present; 律师 new.
    expect(report.added).toBe(1);
    expect(report.alreadyPresent).toBe(4);
  });
});

describeWithShared(
  'extendTokenizer reproduces Chinese-LLaMA',
  [
    'fixtures/tokenizers/llama2/tokenizer.model',
    'fixtures/tokenizers/chinese-sp/chinese_sp.model',
    'fixtures/tokenizers/chinese-llama/tokenizer.model',
    'fixtures/tokenizers/golden-dev.jsonl',
  ],
  () => {
    it('llama2 + chinese_sp = chinese-llama, byte for byte, and passes the golden ids', async () => {
      const llama = (await loadTokenizer(
        sharedPath('fixtures/tokenizers/llama2/tokenizer.model'),
      )) as SentencePieceTokenizer;
      const chinese = await loadTokenizer(sharedPath('fixtures/tokenizers/chinese-sp/chinese_sp.model'));
      const { tokenizer, report } = extendTokenizer(llama, chinese);
      expect(report.vocabSize).toBe(49953);
      expect(report.added).toBe(17953);
      expect(report.alreadyPresent).toBe(2047);
      const reference = (await loadTokenizer(
        sharedPath('fixtures/tokenizers/chinese-llama/tokenizer.model'),
      )) as SentencePieceTokenizer;
      expect(tokenizer.entries()).toEqual(reference.entries());
      const referenceBytes = readFileSync(sharedPath('fixtures/tokenizers/chinese-llama/tokenizer.model'));
      expect(Buffer.from(tokenizer.toBytes()).equals(referenceBytes)).toBe(true);
      const records = readFileSync(sharedPath('fixtures/tokenizers/golden-dev.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as { id: string; text: string; chinese_llama: { ids: number[] } });
      const bad = records.filter(
        (record) =>
          JSON.stringify(tokenizer.encode(record.text)) !== JSON.stringify(record.chinese_llama.ids),
      );
      expect(bad.map((record) => record.id)).toEqual([]);
    });
  },
);
