import { readFileSync } from 'node:fs';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { beforeAll, expect, it } from 'vitest';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';

interface QwenRecord {
  id: string;
  text: string;
  qwen3: { ids: number[]; pieces: string[]; decoded: string };
}

const DIR = 'fixtures/tokenizers/qwen3';

describeWithShared(
  'Qwen3 byte-level BPE: golden-dev.jsonl (HF tokenizers 0.23.2)',
  [`${DIR}/tokenizer.json`, `${DIR}/golden-dev.jsonl`],
  () => {
    let records: QwenRecord[];
    let qwen: ByteLevelBpeTokenizer;
    beforeAll(async () => {
      records = readFileSync(sharedPath(DIR, 'golden-dev.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as QwenRecord);
      const loaded = await loadTokenizer(sharedPath(DIR));
      if (!(loaded instanceof ByteLevelBpeTokenizer)) throw new Error('expected a ByteLevelBpeTokenizer');
      qwen = loaded;
    });

    it('loads through loadTokenizer with the 151,669 ids and tokenizer_config.json facts', () => {
      expect(records).toHaveLength(305);
      expect(qwen.vocabSize).toBe(151669);
      expect(qwen.addedTokens).toHaveLength(26);
      expect(qwen).toMatchObject({ bosId: -1, eosId: 151645, padId: 151643, unkId: -1 });
      expect(qwen).toMatchObject({ eosToken: '<|im_end|>', padToken: '<|endoftext|>' });
      expect(qwen.chatTemplate).toContain('<|im_start|>');
    });

    it('ids, pieces and decoded text equal on all 305 strings', () => {
      const bad: string[] = [];
      for (const { id, text, qwen3 } of records) {
        const { ids, pieces } = qwen.encodeDetailed(text);
        const same =
          JSON.stringify(ids) === JSON.stringify(qwen3.ids) &&
          JSON.stringify(pieces) === JSON.stringify(qwen3.pieces) &&
          qwen.decode(qwen3.ids, { skipSpecial: false }) === qwen3.decoded &&
          qwen.decode(ids) === qwen3.decoded;
        if (!same) bad.push(id);
      }
      expect(bad).toEqual([]);
    });

    it('gives the same ids twice (the BPE cache changes nothing)', () => {
      for (const { text, qwen3 } of records.slice(0, 50)) expect(qwen.encode(text)).toEqual(qwen3.ids);
    });

    it('matches special tokens in the text only when asked, as the tokenizers binding does', async () => {
      const text = '<|im_start|>user\n民法典第一条<|im_end|>\n<think>\n</think><|endoftext|>';
      const json = JSON.parse(readFileSync(sharedPath(DIR, 'tokenizer.json'), 'utf8'));
      const binding = BindingTokenizer.fromString(JSON.stringify(json));
      const withSpecial = (await binding.encode(text, null, { addSpecialTokens: false })).getIds();
      expect(qwen.encode(text, { allowSpecial: true })).toEqual(withSpecial);
      expect(withSpecial.slice(0, 2)).toEqual([151644, 872]);
      // Without allowSpecial, special tokens are text: the binding agrees once they cannot match any more.
      for (const token of json.added_tokens as Array<{ special: boolean; content: string }>)
        if (token.special) token.content = `\u0000unmatchable${token.content}`;
      const plain = BindingTokenizer.fromString(JSON.stringify(json));
      const asText = (await plain.encode(text, null, { addSpecialTokens: false })).getIds();
      expect(qwen.encode(text)).toEqual(asText);
      expect(asText).not.toContain(151644);
      expect(asText).toContain(151667); // <think> is a non-special added token: always matched
      expect(qwen.decode(withSpecial)).toBe('user\n民法典第一条\n<think>\n</think>');
      expect(qwen.decode(withSpecial, { skipSpecial: false })).toBe(text);
    });
  },
);
