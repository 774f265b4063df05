import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { TokenizerModelError } from './errors.js';
import { extendTokenizer } from './extend-tokenizer.js';
import { BYTE_TO_CHAR } from './internal/byte-level.js';
import { loadTokenizer } from './load-tokenizer.js';
import { tokenStats } from './token-stats.js';

type Json = Record<string, unknown>;

/** A GPT-2-style tokenizer.json made here: the 256 byte characters, a few merges, two added tokens. */
function tinyJson(): Json {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((char, byte) => {
    vocab[char] = byte;
  });
  const merges = [
    ['Ġ', 't'],
    ['h', 'e'],
    ['Ġt', 'he'],
    ['æ', '³'],
    ['æ³', 'ķ'],
  ];
  for (const [left, right] of merges) vocab[left + right] ??= Object.keys(vocab).length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 261,
        content: '<|end|>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 262,
        content: '[T]',
        single_word: false,
        lstrip: true,
        rstrip: true,
        normalized: false,
        special: false,
      },
    ],
    normalizer: { type: 'NFC' },
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: merges.map((pair) => pair.join(' ')),
    },
  };
}

describe('ByteLevelBpeTokenizer (a tokenizer.json made here)', () => {
  it('encodes and decodes as the tokenizers binding does', async () => {
    const json = tinyJson();
    const ours = ByteLevelBpeTokenizer.fromJson(json);
    const binding = BindingTokenizer.fromString(JSON.stringify(json));
    expect(ours.vocabSize).toBe(263);
    for (const text of ['the theme', ' the  [T]  the<|end|>法', 'e\u0301 ﬁ 😀\u0085\ufeff', '']) {
      const expected = (await binding.encode(text, null, { addSpecialTokens: false })).getIds();
      expect(ours.encode(text, { allowSpecial: true }), text).toEqual(expected);
      expect(ours.decode(expected, { skipSpecial: false })).toBe(await binding.decode(expected, false));
    }
    // Ids are assigned as HF does on load, whatever the file says (here a gap: 300 and 301 → 261, 262).
    const gap = tinyJson();
    (gap.added_tokens as Json[]).forEach((token, index) => {
      token.id = 300 + index;
    });
    expect(ByteLevelBpeTokenizer.fromJson(gap).encode('[T]<|end|>', { allowSpecial: true })).toEqual([
      262, 261,
    ]);
    expect(ours.encodePieces(' the [T]the')).toEqual(['Ġthe', '[T]', 't', 'he']);
    // <|end|> is plain text unless asked for; [T] (not special) always matches, eating the spaces around it.
    expect(ours.encode('<|end|>')).toHaveLength(7);
    expect(ours.decode(ours.encode('a<|end|>', { allowSpecial: true }))).toBe('a');
  });

  it('names the field of an unsupported kind', () => {
    const cases: Array<[string, (json: Json) => void]> = [
      [
        'pre_tokenizer.pretokenizers[0].type',
        (json) => {
          json.pre_tokenizer = {
            type: 'Sequence',
            pretokenizers: [{ type: 'Whitespace' }, json.pre_tokenizer],
          };
        },
      ],
      [
        'pre_tokenizer.pretokenizers[0].pattern.Regex',
        (json) => {
          json.pre_tokenizer = {
            type: 'Sequence',
            pretokenizers: [
              { type: 'Split', pattern: { Regex: '(a)\\1' }, behavior: 'Isolated' },
              json.pre_tokenizer,
            ],
          };
        },
      ],
      [
        'decoder.type',
        (json) => {
          json.decoder = { type: 'WordPiece' };
        },
      ],
      [
        'normalizer.type',
        (json) => {
          json.normalizer = { type: 'Lowercase' };
        },
      ],
      ['model.merges[5]', (json) => ((json.model as Json).merges as string[]).push('x y')],
      [
        'model.continuing_subword_prefix',
        (json) => {
          (json.model as Json).continuing_subword_prefix = '##';
        },
      ],
      [
        'added_tokens[0].id',
        (json) => {
          (json.added_tokens as Json[])[0].id = -1;
        },
      ],
    ];
    for (const [field, edit] of cases) {
      const json = tinyJson();
      edit(json);
      let error: unknown;
      try {
        ByteLevelBpeTokenizer.fromJson(json, { path: 'x/tokenizer.json' });
      } catch (caught) {
        error = caught;
      }
      expect(error, field).toBeInstanceOf(TokenizerModelError);
      expect((error as TokenizerModelError).field).toBe(field);
      expect((error as Error).message).toContain('x/tokenizer.json');
    }
  });

  it('is what loadTokenizer returns for such a file, with tokenizer_config.json facts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lawgpt-bpe-'));
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tinyJson()));
    await writeFile(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({
        eos_token: { content: '<|end|>' },
        bos_token: null,
        chat_template: '{{ messages[0].content }}!',
      }),
    );
    const loaded = await loadTokenizer(dir);
    expect(loaded).toBeInstanceOf(ByteLevelBpeTokenizer);
    const tokenizer = loaded as ByteLevelBpeTokenizer;
    expect(tokenizer).toMatchObject({ eosId: 261, bosId: -1, eosToken: '<|end|>', modelType: 'bpe' });
    expect(tokenizer.applyChatTemplate([{ role: 'user', content: 'hi' }])).toBe('hi!');
    expect(tokenizer.encode('the', { addEos: true })).toEqual([...tokenizer.encode('the'), 261]);
    expect(tokenStats(tokenizer, ['法法 the'])).toMatchObject({
      hanChars: 2,
      tokens: 3,
      byteFallbackTokens: 0,
    });
  });

  it('extends with whole terms as added tokens; the saved folder round-trips and loads in tokenizers', async () => {
    const base = ByteLevelBpeTokenizer.fromJson(tinyJson());
    const { tokenizer, report } = extendTokenizer(base, [
      '民法典',
      ' 刑法 ',
      '民法典',
      '',
      'he',
      '[T]',
      'the law',
    ]);
    expect(report).toMatchObject({
      baseSize: 263,
      added: 3,
      alreadyPresent: 2,
      duplicatesDropped: 1,
      emptyDropped: 1,
    });
    expect(report.addedPieces).toEqual(['民法典', '刑法', 'the law']);
    expect(tokenizer.vocabSize).toBe(266);
    const text = '依民法典与刑法，the law';
    const ids = tokenizer.encode(text);
    expect(ids).toEqual(expect.arrayContaining([263, 264, 265]));
    expect(tokenizer.decode(ids)).toBe(text);
    expect(base.encode(text)).not.toContain(263);
    const dir = await mkdtemp(join(tmpdir(), 'lawgpt-bpe-ext-'));
    await tokenizer.save(dir);
    const reloaded = (await loadTokenizer(dir)) as ByteLevelBpeTokenizer;
    expect(reloaded.encode(text)).toEqual(ids);
    const binding = BindingTokenizer.fromFile(join(dir, 'tokenizer.json'));
    expect((await binding.encode(text, null, { addSpecialTokens: false })).getIds()).toEqual(ids);
    const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
    expect(config.added_tokens_decoder['263']).toEqual({
      content: '民法典',
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: false,
    });
    expect(() => extendTokenizer(base, base)).toThrow(/list of whole terms/);
  });
});
