import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { convertToTokenizerJson } from './convert-tokenizer-json.js';
import { TokenizerModelError } from './errors.js';
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

/**
 * The two layouts transformers writes for LLaMA tokenizers, as they appear in model repositories: the classic one
 * (Prepend + Replace normalizer, a ByteFallback decoder sequence, every optional BPE field present as null, a
 * TemplateProcessing post-processor, `version`/`truncation`/`padding`) and the newer one (`legacy: false`: a
 * Metaspace pre-tokenizer with `split: false` and a Metaspace decoder, no normalizer).
 */
function hubLayouts(converted: ReturnType<typeof convertToTokenizerJson>): Record<string, string> {
  const { model } = converted;
  const classic = {
    ...converted,
    version: '1.0',
    truncation: null,
    padding: null,
    model: {
      ...model,
      dropout: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      ignore_merges: false,
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '<s>', type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
  };
  const metaspace = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false };
  const newer = { ...classic, normalizer: null, pre_tokenizer: metaspace, decoder: metaspace };
  return { classic: JSON.stringify(classic), newer: JSON.stringify(newer) };
}

describeWithShared(
  'LLaMA-2 tokenizer.json in the layouts found on the Hub: loads, and encodes as the binding does',
  ['fixtures/tokenizers/llama2/tokenizer.model'],
  () => {
    it('classic and newer layout', async () => {
      const model = (await loadTokenizer(
        sharedPath('fixtures/tokenizers/llama2/tokenizer.model'),
      )) as SentencePieceTokenizer;
      const converted = convertToTokenizerJson(model, { pieceScores: false });
      for (const [layout, text] of Object.entries(hubLayouts(converted))) {
        const json = JsonTokenizer.fromString(text, layout);
        for (const sample of ['刑法第二百六十七条 hello', '盗窃公私财物，数额较大的。']) {
          expect(json.encode(sample), `${layout}: ${sample}`).toEqual(await json.encodeWithBackend(sample));
        }
      }
    });
  },
);
