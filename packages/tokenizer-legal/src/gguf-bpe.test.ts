import { readFileSync } from 'node:fs';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { TokenizerModelError } from './errors.js';
import { fromGgufBpe, toGgufBpe } from './gguf-bpe.js';
import { BYTE_TO_CHAR } from './internal/byte-level.js';
import { loadTokenizer } from './load-tokenizer.js';

interface QwenRecord {
  id: string;
  text: string;
  qwen3: { ids: number[]; decoded: string };
}

const DIR = 'fixtures/tokenizers/qwen3';

describeWithShared('GGUF gpt2 vocabulary of the Qwen3 tokenizer', [DIR], () => {
  let qwen: ByteLevelBpeTokenizer;
  beforeAll(async () => {
    qwen = (await loadTokenizer(sharedPath(DIR))) as ByteLevelBpeTokenizer;
  });

  it("lists pieces, types, merges, pre-tokenizer and special ids as llama.cpp's converter", () => {
    const vocabulary = toGgufBpe(qwen, { vocabSize: 151936 });
    const json = JSON.parse(readFileSync(sharedPath(DIR, 'tokenizer.json'), 'utf8'));
    expect(vocabulary.pre).toBe('qwen2');
    expect(vocabulary.tokens).toHaveLength(151936);
    expect(vocabulary.tokens[100]).toBe(
      Object.keys(json.model.vocab).find((piece) => json.model.vocab[piece] === 100),
    );
    const typeOf = (token: string) => vocabulary.tokenTypes[vocabulary.tokens.indexOf(token)];
    expect(typeOf('<|im_start|>')).toBe(3); // special
    expect(typeOf('<|fim_prefix|>')).toBe(3); // not special, but looks special
    expect(typeOf('<think>')).toBe(4); // user-defined
    expect(typeOf('éģĵè·¯')).toBe(1); // 道路
    expect(vocabulary.tokens[151669]).toBe('[PAD151669]');
    expect(vocabulary.tokenTypes[151935]).toBe(5);
    expect(vocabulary.merges).toHaveLength(json.model.merges.length);
    expect(vocabulary.merges[0]).toBe(json.model.merges[0].join(' '));
    expect(vocabulary).toMatchObject({ eosId: 151645, padId: 151643, addBosToken: false });
    expect(vocabulary.bosId).toBeUndefined();
    expect(vocabulary.chatTemplate).toBe(qwen.chatTemplate);
  });

  it('rebuilds a tokenizer that encodes the 305 golden strings like HF tokenizers', () => {
    const rebuilt = fromGgufBpe(toGgufBpe(qwen, { vocabSize: 151936 }), { path: 'qwen.gguf' });
    expect(rebuilt.vocabSize).toBe(151669);
    expect(rebuilt).toMatchObject({ bosId: -1, eosId: 151645, padId: 151643 });
    const records: QwenRecord[] = readFileSync(sharedPath(DIR, 'golden-dev.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line));
    const idsDiffer = records.filter(
      (record) => JSON.stringify(rebuilt.encode(record.text)) !== JSON.stringify(record.qwen3.ids),
    );
    const decodedDiffer = records.filter(
      (record) => rebuilt.decode(record.qwen3.ids, { skipSpecial: false }) !== record.qwen3.decoded,
    );
    expect(idsDiffer.map((record) => record.id)).toEqual([]);
    expect(decodedDiffer.map((record) => record.id)).toEqual([]);
    const messages = [
      { role: 'system', content: '你是法律助手。' },
      { role: 'user', content: '盗窃罪的构成要件是什么？' },
    ];
    expect(rebuilt.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(
      qwen.applyChatTemplate(messages, { addGenerationPrompt: true }),
    );
    expect(rebuilt.encode('<|im_start|>user', { allowSpecial: true })[0]).toBe(151644);
  });
});

describe('GGUF gpt2 vocabularies: errors name the field', () => {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((char, byte) => {
    vocab[char] = byte;
  });
  const json = (preTokenizer: unknown) => ({
    model: { type: 'BPE', vocab, merges: [] },
    pre_tokenizer: preTokenizer,
    decoder: { type: 'ByteLevel' },
    added_tokens: [],
  });

  it('a GPT-2 tokenizer round-trips; an unknown pre-tokenizer regex is refused naming pre_tokenizer', () => {
    const gpt2 = ByteLevelBpeTokenizer.fromJson(json({ type: 'ByteLevel', use_regex: true }));
    const vocabulary = toGgufBpe(gpt2, { vocabSize: 260 });
    expect(vocabulary.pre).toBe('gpt-2');
    expect(fromGgufBpe(vocabulary).encode('Hello world')).toEqual(gpt2.encode('Hello world'));
    const custom = ByteLevelBpeTokenizer.fromJson(
      json({
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: '\\p{L}+' }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', use_regex: false },
        ],
      }),
    );
    const error = (() => {
      try {
        toGgufBpe(custom);
      } catch (caught) {
        return caught as TokenizerModelError;
      }
    })();
    expect(error).toBeInstanceOf(TokenizerModelError);
    expect(error?.field).toBe('pre_tokenizer');
    expect(() => toGgufBpe(gpt2, { vocabSize: 100 })).toThrow(/vocabSize/);
  });

  it('an unknown tokenizer.ggml.pre is refused naming it', () => {
    const vocabulary = toGgufBpe(ByteLevelBpeTokenizer.fromJson(json({ type: 'ByteLevel' })));
    expect(() => fromGgufBpe({ ...vocabulary, pre: 'deepseek-llm' }, { path: 'x.gguf' })).toThrow(
      /x\.gguf: tokenizer\.ggml\.pre is "deepseek-llm", expected a pre-tokenizer this package rebuilds \(qwen2, llama-bpe, gpt-2\)/,
    );
  });
});
