import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithShared, sharedDir, sharedPath } from '@lawgpt/test-helpers';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { convertToTokenizerJson } from './convert-tokenizer-json.js';
import { TokenizerModelError } from './errors.js';
import { isByteLevelJson } from './internal/byte-level-json.js';
import {
  type Base,
  type Broken,
  bpeModel,
  rejectedByBoth,
  rejectedByUsOnly,
  unigramModel,
  valid,
  variant,
} from './internal/tokenizer-json-variants.js';
import { JsonTokenizer } from './json-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import type { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

function bindingLoads(text: string): boolean {
  try {
    BindingTokenizer.fromString(text);
    return true;
  } catch {
    return false;
  }
}

function ourField(text: string): string {
  try {
    JsonTokenizer.fromString(text, 'broken.json');
  } catch (error) {
    expect(error).toBeInstanceOf(TokenizerModelError);
    expect((error as TokenizerModelError).path).toBe('broken.json');
    return (error as TokenizerModelError).field;
  }
  return '(loaded)';
}

describe('LLaMA-style tokenizer.json validation (the tokenizers binding as the oracle)', () => {
  it('starts from files both load', () => {
    for (const base of ['bpe', 'unigram'] as const) {
      const text = variant(base, () => {});
      expect(bindingLoads(text)).toBe(true);
      const size = base === 'bpe' ? bpeModel.vocabSize : unigramModel.vocabSize;
      expect(JsonTokenizer.fromString(text).vocabSize).toBe(size);
    }
  });

  it.each<Broken>(rejectedByBoth)('binding and ours reject: %s (%s)', (_name, field, edit, base = 'bpe') => {
    const text = variant(base, edit);
    expect(bindingLoads(text)).toBe(false);
    expect(ourField(text)).toBe(field);
  });

  it.each<Broken>(rejectedByUsOnly)(
    'ours rejects what the binding loads: %s (%s)',
    (_name, field, edit, base = 'bpe') => {
      const text = variant(base, edit);
      expect(bindingLoads(text)).toBe(true);
      expect(ourField(text)).toBe(field);
    },
  );

  it.each(valid)('both load, and encode alike: %s', async (_name, edit, base: Base, leadingSpace) => {
    const text = variant(base, edit);
    expect(bindingLoads(text)).toBe(true);
    const ours = JsonTokenizer.fromString(text);
    const reference = base === 'bpe' ? bpeModel : unigramModel;
    for (const sample of ['ab abc', ' a  b', '法a', 'bcab']) {
      expect(ours.encode(sample)).toEqual(reference.encode(sample));
      if (leadingSpace || !sample.startsWith(' '))
        expect(await ours.encodeWithBackend(sample)).toEqual(ours.encode(sample));
    }
  });
});

describeWithShared(
  'converted LLaMA tokenizers from ../shared load in both',
  ['fixtures/tokenizers/llama2/tokenizer.model', 'fixtures/tokenizers/chinese-llama/tokenizer.model'],
  () => {
    for (const name of ['llama2', 'chinese-llama']) {
      it(`${name}: tokenizer.json with and without piece_scores`, async () => {
        const model = (await loadTokenizer(
          sharedPath('fixtures/tokenizers', name, 'tokenizer.model'),
        )) as SentencePieceTokenizer;
        for (const pieceScores of [true, false]) {
          const text = JSON.stringify(convertToTokenizerJson(model, { pieceScores }));
          expect(bindingLoads(text)).toBe(true);
          const json = JsonTokenizer.fromString(text);
          expect(json.vocabSize).toBe(model.vocabSize);
          expect([json.bosId, json.eosId, json.unkId]).toEqual([model.bosId, model.eosId, model.unkId]);
        }
      });
    }
  },
);

/** LLaMA-style (not byte-level) `tokenizer.json` files under ../shared/fixtures/tokenizers/*. */
function sharedLlamaJsonFiles(): string[] {
  if (!sharedDir) return [];
  const root = join(sharedDir, 'fixtures/tokenizers');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, entry.name, 'tokenizer.json'))
    .filter((file) => {
      try {
        return !isByteLevelJson(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        return false;
      }
    });
}

describe('LLaMA-style tokenizer.json files in ../shared/fixtures/tokenizers', () => {
  const files = sharedLlamaJsonFiles();
  if (files.length === 0) {
    const why = sharedDir ? 'its tokenizer.json files are all byte-level' : '../shared not found';
    console.warn(`[skip] LLaMA-style tokenizer.json files in ../shared/fixtures/tokenizers: none (${why})`);
  }
  if (files.length === 0)
    it.skip('needs a LLaMA-style tokenizer.json in ../shared/fixtures/tokenizers/*', () => {});
  else
    it.each(files)('%s loads in both', (file) => {
      const text = readFileSync(file, 'utf8');
      expect(bindingLoads(text)).toBe(true);
      expect(JsonTokenizer.fromString(text, file).vocabSize).toBeGreaterThan(0);
    });
});
