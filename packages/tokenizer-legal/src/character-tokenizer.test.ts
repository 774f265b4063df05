import { describe, expect, it } from 'vitest';
import { createCharacterTokenizer } from './character-tokenizer.js';
import { extendTokenizer } from './extend-tokenizer.js';

describe('createCharacterTokenizer', () => {
  const tokenizer = createCharacterTokenizer({ texts: ['盗窃公私财物，数额较大的', '盗窃罪'] });

  it('maps each known character to one piece and round-trips text', () => {
    const text = '盗窃财物';
    const ids = tokenizer.encode(text);
    expect(ids.length).toBe(1 + [...text].length); // dummy-prefix ▁ plus one piece per character
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.vocabSize).toBe(3 + 256 + 1 + new Set('盗窃公私财物，数额较大的罪').size);
  });

  it('falls back to bytes for unseen characters, keeping the text', () => {
    const ids = tokenizer.encode('抢劫');
    expect(ids.length).toBe(1 + 6);
    expect(tokenizer.decode(ids)).toBe('抢劫');
  });

  it('is a base that extendTokenizer can grow with legal terms', () => {
    const { tokenizer: extended, report } = extendTokenizer(tokenizer, ['盗窃', '盗窃罪', '财物']);
    expect(report.added).toBe(3);
    expect(extended.encode('盗窃罪').length).toBe(2); // ▁ + 盗窃罪
  });
});
