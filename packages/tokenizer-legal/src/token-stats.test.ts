import { describe, expect, it } from 'vitest';
import { buildTestModel } from './internal/test-model.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
import { tokenStats } from './token-stats.js';

describe('tokenStats', () => {
  it('counts characters, Han characters, tokens and byte-fallback tokens', () => {
    const tokenizer = new SentencePieceTokenizer(
      buildTestModel({
        byteFallback: true,
        pieces: [
          ['\u2581', -1],
          ['法', -2],
          ['a', -3],
        ],
      }),
    );
    // "法律a": ▁ 法 <0xE5><0xBE><0x8B> a → 6 tokens, 3 bytes; "𠮷": ▁ + 4 bytes.
    const stats = tokenStats(tokenizer, ['法律a', '𠮷']);
    expect(stats).toMatchObject({
      texts: 2,
      chars: 4,
      hanChars: 3,
      tokens: 11,
      byteFallbackTokens: 7,
      unkTokens: 0,
    });
    expect(stats.tokensPerHanChar).toBeCloseTo(11 / 3);
    expect(stats.byteFallbackRate).toBeCloseTo(7 / 11);
  });
});
