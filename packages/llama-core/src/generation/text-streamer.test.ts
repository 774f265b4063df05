import { describe, expect, it } from 'vitest';
import { TextStreamer } from './text-streamer.js';
import type { TextTokenizer } from './text-tokenizer.js';

/** Byte-level tokenizer: id = byte value; decoding replaces incomplete UTF-8 with U+FFFD. */
const byteTokenizer: TextTokenizer = {
  encode: (text) => Array.from(new TextEncoder().encode(text)),
  decode: (ids) => new TextDecoder().decode(Uint8Array.from(ids)),
};

describe('TextStreamer', () => {
  it('never emits part of a UTF-8 character, one byte token at a time', () => {
    const text = '中华人民共和国刑法 𠮷 ok';
    const streamer = new TextStreamer(byteTokenizer, [], []);
    const chunks = byteTokenizer.encode(text).map((id) => streamer.push([id]));
    chunks.push(streamer.flush());
    for (const chunk of chunks) {
      expect(chunk).not.toContain('\uFFFD');
      expect(/[\uD800-\uDBFF]$/.test(chunk)).toBe(false);
    }
    expect(chunks.join('')).toBe(text);
    expect(chunks.filter((chunk) => chunk === '').length).toBeGreaterThan(10);
  });

  it('keeps the leading space of the first new piece (prompt context is decoded too)', () => {
    const spaceTrimming: TextTokenizer = {
      encode: (text) => byteTokenizer.encode(text),
      decode: (ids) => byteTokenizer.decode(ids).replace(/^ /, ''),
    };
    const streamer = new TextStreamer(spaceTrimming, spaceTrimming.encode('ab'), []);
    const out = spaceTrimming.encode(' cd').map((id) => streamer.push([id]));
    expect(out.join('') + streamer.flush()).toBe(' cd');
  });

  it('cuts at a stop string and never emits its beginning', () => {
    const streamer = new TextStreamer(byteTokenizer, [], ['\n问：']);
    const chunks: string[] = [];
    for (const id of byteTokenizer.encode('答案是甲。\n问：下一题')) {
      chunks.push(streamer.push([id]));
      if (streamer.stopped) break;
    }
    chunks.push(streamer.flush());
    expect(streamer.stopped).toBe(true);
    expect(chunks.join('')).toBe('答案是甲。');
    expect(streamer.text).toBe('答案是甲。');
  });
});
