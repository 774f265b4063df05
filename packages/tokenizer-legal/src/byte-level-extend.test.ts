import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { expect, it } from 'vitest';
import type { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { extendTokenizer } from './extend-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import { tokenStats } from './token-stats.js';

describeWithShared(
  'Qwen3 + LaWGPT legal terms as added tokens',
  ['fixtures/tokenizers/qwen3', 'data/lawgpt-vocab/legal_vocab.txt'],
  () => {
    it('adds whole terms, saves a folder that tokenizers and loadTokenizer read back to the same ids', async () => {
      const qwen = (await loadTokenizer(sharedPath('fixtures/tokenizers/qwen3'))) as ByteLevelBpeTokenizer;
      const terms = readFileSync(sharedPath('data/lawgpt-vocab/legal_vocab.txt'), 'utf8').split('\n');
      const { tokenizer, report } = extendTokenizer(qwen, terms);
      expect(report.added + report.alreadyPresent + report.duplicatesDropped + report.emptyDropped).toBe(
        terms.length,
      );
      expect(report.added).toBeGreaterThan(1000);
      expect(tokenizer.vocabSize).toBe(151669 + report.added);
      const texts = readFileSync(sharedPath('fixtures/tokenizers/qwen3/golden-dev.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { text: string }).text);
      const before = tokenStats(qwen, texts);
      const after = tokenStats(tokenizer, texts);
      expect(after.tokens).toBeLessThan(before.tokens);
      for (const text of texts.slice(0, 120))
        expect(tokenizer.decode(tokenizer.encode(text))).toBe(qwen.decode(qwen.encode(text)));

      const dir = await mkdtemp(join(tmpdir(), 'lawgpt-qwen-legal-'));
      await tokenizer.save(dir);
      const reloaded = (await loadTokenizer(dir)) as ByteLevelBpeTokenizer;
      expect(reloaded.vocabSize).toBe(tokenizer.vocabSize);
      expect(reloaded.chatTemplate).toBe(qwen.chatTemplate);
      expect(reloaded.eosId).toBe(qwen.eosId);
      const binding = BindingTokenizer.fromFile(join(dir, 'tokenizer.json'));
      expect(binding.getVocabSize(true)).toBe(tokenizer.vocabSize);
      const expected = await binding.encodeBatch(texts, { addSpecialTokens: false });
      const bad = texts.filter((text, index) => {
        const ids = tokenizer.encode(text);
        return (
          JSON.stringify(ids) !== JSON.stringify(expected[index].getIds()) ||
          JSON.stringify(reloaded.encode(text)) !== JSON.stringify(ids)
        );
      });
      expect(bad).toEqual([]);
      const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
      expect(Object.keys(config.added_tokens_decoder)).toHaveLength(26 + report.added);
      expect(config.chat_template).toBe(qwen.chatTemplate);
    });
  },
);
