import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertToTokenizerJson } from './convert-tokenizer-json.js';
import { buildTestModel } from './internal/test-model.js';
import { JsonTokenizer } from './json-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

const model = new SentencePieceTokenizer(
  buildTestModel({
    byteFallback: true,
    pieces: [
      ['\u2581', -1],
      ['a', -2],
      ['\u2581a', -3],
    ],
  }),
);

describe('save', () => {
  it('writes the four files transformers loads, and both model files load back identically', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'tok-save-')), 'out');
    const written = await model.save(dir);
    expect(written.map((path) => path.slice(dir.length + 1))).toEqual([
      'tokenizer.model',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
    ]);
    expect((await readdir(dir)).sort()).toEqual(
      ['special_tokens_map.json', 'tokenizer.json', 'tokenizer.model', 'tokenizer_config.json'].sort(),
    );
    const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
    expect(config).toMatchObject({
      tokenizer_class: 'LlamaTokenizer',
      bos_token: '<s>',
      eos_token: '</s>',
      unk_token: '<unk>',
      add_bos_token: true,
      add_eos_token: false,
      legacy: true,
    });
    expect(Object.keys(config.added_tokens_decoder)).toEqual(['0', '1', '2']);
    const special = JSON.parse(await readFile(join(dir, 'special_tokens_map.json'), 'utf8'));
    expect(special.bos_token.content).toBe('<s>');
    const fromModel = (await loadTokenizer(join(dir, 'tokenizer.model'))) as SentencePieceTokenizer;
    const fromJson = await loadTokenizer(join(dir, 'tokenizer.json'));
    expect(Buffer.from(fromModel.toBytes()).equals(Buffer.from(model.toBytes()))).toBe(true);
    for (const text of ['a a', '法 a']) {
      expect(fromJson.encode(text)).toEqual(model.encode(text));
      expect(fromModel.encode(text)).toEqual(model.encode(text));
    }
    // A tokenizer.json-loaded tokenizer saves its JSON unchanged, and (having piece scores) an equivalent .model.
    const again = join(dir, 'again');
    const second = await fromJson.save(again);
    expect(second.map((path) => path.slice(again.length + 1))).toContain('tokenizer.model');
    expect(await readFile(join(again, 'tokenizer.json'), 'utf8')).toBe(
      await readFile(join(dir, 'tokenizer.json'), 'utf8'),
    );
    const rebuilt = (await loadTokenizer(join(again, 'tokenizer.model'))) as SentencePieceTokenizer;
    expect(rebuilt.entries()).toEqual(model.entries());
    for (const text of ['a a', '法 a', '  a']) expect(rebuilt.encode(text)).toEqual(model.encode(text));
    // Without piece scores (HF merge ranks) no tokenizer.model is written: it would encode differently.
    const hfOnly = JsonTokenizer.fromString(
      JSON.stringify(convertToTokenizerJson(model, { pieceScores: false })),
    );
    const third = join(dir, 'third');
    expect((await hfOnly.save(third)).map((path) => path.slice(third.length + 1))).not.toContain(
      'tokenizer.model',
    );
  });

  it('leaves no temporary or half-written file when a write fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tok-fail-'));
    // A non-empty folder where special_tokens_map.json should go makes the last rename fail.
    await mkdir(join(dir, 'special_tokens_map.json', 'blocker'), { recursive: true });
    await writeFile(join(dir, 'tokenizer.json'), 'old');
    await expect(model.save(dir)).rejects.toThrow();
    const names = (await readdir(dir)).sort();
    expect(names.filter((name) => name.includes('.tmp-'))).toEqual([]);
    // Every file present is complete: the old one or the new one.
    const json = await readFile(join(dir, 'tokenizer.json'), 'utf8');
    expect(json === 'old' || JSON.parse(json).model.type === 'BPE').toBe(true);
  });
});
