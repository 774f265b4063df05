/**
 * Test data (not exported): a small LLaMA-style BPE and Unigram `tokenizer.json`, and edits that break them or
 * keep them valid, for checking our validation against the `tokenizers` binding.
 */
import { convertToTokenizerJson } from '../convert-tokenizer-json.js';
import { SentencePieceTokenizer } from '../sentencepiece-tokenizer.js';
import { buildTestModel } from './test-model.js';

// biome-ignore lint/suspicious/noExplicitAny: the edits reach into arbitrary JSON
type Json = any;
/** Which file an edit starts from. */
export type Base = 'bpe' | 'unigram';
/** An edit of a parsed `tokenizer.json`; `__text` set on it replaces the serialized text. */
export type Edit = (json: Json) => void;
/** A broken file: its name, the JSON field our loader must name, the edit, the base (default BPE). */
export type Broken = [name: string, field: string, edit: Edit, base?: Base];

const SPACE = '\u2581';
/** ids: `<unk>` `<s>` `</s>`, 256 byte pieces (3..258), then the pieces below from 259. */
export const bpeModel = new SentencePieceTokenizer(
  buildTestModel({
    byteFallback: true,
    pieces: [
      [SPACE, -1],
      ['a', -2],
      ['b', -3],
      ['c', -4],
      ['ab', -5],
      [`${SPACE}a`, -6],
      [`${SPACE}ab`, -7],
      ['bc', -8],
    ],
  }),
);
export const unigramModel = new SentencePieceTokenizer(
  buildTestModel({
    modelType: 'unigram',
    byteFallback: true,
    pieces: [
      [SPACE, -1],
      ['a', -2],
      ['b', -3],
      ['ab', -2.5],
      [`${SPACE}ab`, -4],
    ],
  }),
);
/** The LlamaConverter layout of the two models (BPE without piece scores: HF merge-rank semantics). */
const bases: Record<Base, Json> = {
  bpe: convertToTokenizerJson(bpeModel, { pieceScores: false }),
  unigram: convertToTokenizerJson(unigramModel),
};

/** The serialized `tokenizer.json` of `base` after `edit`. */
export function variant(base: Base, edit: Edit): string {
  const json = structuredClone(bases[base]);
  edit(json);
  return json.__text ?? JSON.stringify(json);
}

function locate(json: Json, path: string): [Json, string] {
  const keys = path.split('.');
  const last = keys.pop()!;
  return [keys.reduce((node, key) => node[key], json), last];
}
/** Set the value at a dotted path (`undefined` deletes it). */
const set =
  (path: string, value: unknown): Edit =>
  (json) => {
    const [parent, key] = locate(json, path);
    if (value === undefined) delete parent[key];
    else parent[key] = value;
  };
const del = (path: string): Edit => set(path, undefined);
/** Append to the array at a dotted path. */
const push =
  (path: string, ...values: unknown[]): Edit =>
  (json) => {
    const [parent, key] = locate(json, path);
    parent[key].push(...values);
  };
const both =
  (...edits: Edit[]): Edit =>
  (json) => {
    for (const edit of edits) edit(json);
  };
export const addedToken = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});
const metaspace = (fields: Json): Edit =>
  both(
    set('normalizer', null),
    set('pre_tokenizer', {
      type: 'Metaspace',
      replacement: SPACE,
      prepend_scheme: 'first',
      split: false,
      ...fields,
    }),
  );
const merges5 = 'model.merges[5]';
const byteLevelFlags = { add_prefix_space: true, trim_offsets: true, use_regex: true };
const unigram = (name: string, field: string, edit: Edit): Broken => [name, field, edit, 'unigram'];

/** Files the `tokenizers` binding rejects: ours must reject them too, naming the field. */
export const rejectedByBoth: Broken[] = [
  ['merge whose left part is not a piece', merges5, push('model.merges', ['zz', 'a'])],
  ['merge whose concatenation is not a piece', merges5, push('model.merges', ['a', 'c'])],
  ['merge string without a space', merges5, push('model.merges', 'abc')],
  ['merge string with two spaces', merges5, push('model.merges', 'a b c')],
  ['merge string with an empty part', merges5, push('model.merges', ' a')],
  ['merge of three pieces', merges5, push('model.merges', ['a', 'b', 'c'])],
  ['merge with a number', merges5, push('model.merges', ['a', 5])],
  ['merge that is a number', merges5, push('model.merges', 5)],
  ['merges not an array', 'model.merges', set('model.merges', 'a b')],
  ['merges missing', 'model.merges', del('model.merges')],
  ['vocab missing', 'model.vocab', del('model.vocab')],
  ['BPE vocab an array', 'model.vocab', set('model.vocab', [])],
  ['fractional vocab id', 'model.vocab["c"]', set('model.vocab.c', 261.5)],
  ['negative vocab id', 'model.vocab["c"]', set('model.vocab.c', -1)],
  ['string vocab id', 'model.vocab["c"]', set('model.vocab.c', '262')],
  ['unk_token a number', 'model.unk_token', set('model.unk_token', 0)],
  ['fuse_unk a string', 'model.fuse_unk', set('model.fuse_unk', 'yes')],
  ['byte_fallback a string', 'model.byte_fallback', set('model.byte_fallback', 'yes')],
  ['dropout above 1', 'model.dropout', set('model.dropout', 2)],
  ['model missing', 'model', del('model')],
  ['model null', 'model', set('model', null)],
  ['added_tokens an object', 'added_tokens', set('added_tokens', {})],
  ['added token null', 'added_tokens[1]', set('added_tokens.1', null)],
  ['fractional added token id', 'added_tokens[1].id', set('added_tokens.1.id', 1.5)],
  ['negative added token id', 'added_tokens[1].id', set('added_tokens.1.id', -1)],
  ['string added token id', 'added_tokens[1].id', set('added_tokens.1.id', '1')],
  ['numeric added token content', 'added_tokens[1].content', set('added_tokens.1.content', 7)],
  ['added token without content', 'added_tokens[1].content', del('added_tokens.1.content')],
  ['added token without special', 'added_tokens[2].special', del('added_tokens.2.special')],
  ['added token special a string', 'added_tokens[1].special', set('added_tokens.1.special', 'yes')],
  ['added token without single_word', 'added_tokens[0].single_word', del('added_tokens.0.single_word')],
  ['unknown normalizer', 'normalizer.type', set('normalizer', { type: 'Frobnicate' })],
  ['normalizer Sequence without list', 'normalizer.normalizers', del('normalizer.normalizers')],
  ['Replace without pattern', 'normalizer.normalizers[1].pattern', del('normalizer.normalizers.1.pattern')],
  ['Prepend a number', 'normalizer.normalizers[0].prepend', set('normalizer.normalizers.0.prepend', 5)],
  ['unknown pre_tokenizer', 'pre_tokenizer.type', set('pre_tokenizer', { type: 'Frobnicate' })],
  ['Metaspace without replacement', 'pre_tokenizer.replacement', metaspace({ replacement: undefined })],
  ['Metaspace replacement of two chars', 'pre_tokenizer.replacement', metaspace({ replacement: 'xy' })],
  ['Metaspace unknown prepend_scheme', 'pre_tokenizer.prepend_scheme', metaspace({ prepend_scheme: 'x' })],
  ['unknown decoder', 'decoder.type', set('decoder', { type: 'Frobnicate' })],
  ['unknown decoder step', 'decoder.decoders[4].type', push('decoder.decoders', { type: 'Frobnicate' })],
  ['decoder Sequence without list', 'decoder.decoders', del('decoder.decoders')],
  ['Strip decoder without content', 'decoder.decoders[3].content', del('decoder.decoders.3.content')],
  ['unknown post_processor', 'post_processor.type', set('post_processor', { type: 'Frobnicate' })],
  ['unknown top-level field', 'extra', set('extra', 1)],
  ['an array, not an object', '(root)', set('__text', '[1]')],
  unigram('Unigram entry a string', 'model.vocab[3]', set('model.vocab.3', 'a')),
  unigram('Unigram entry of three', 'model.vocab[3]', set('model.vocab.3', ['x', -1, 3])),
  unigram('Unigram numeric piece', 'model.vocab[3][0]', set('model.vocab.3', [5, -1])),
  unigram('Unigram string score', 'model.vocab[3][1]', set('model.vocab.3', ['x', '-1'])),
  unigram('Unigram null score', 'model.vocab[3][1]', set('model.vocab.3', ['x', null])),
  unigram('Unigram score out of f64 range (1e400)', 'model.vocab[260][1]', (json) => {
    json.__text = JSON.stringify(json).replace('["a",-2]', '["a",1e400]');
  }),
  unigram('Unigram unk_id outside the vocab', 'model.unk_id', set('model.unk_id', 999)),
  unigram('Unigram fractional unk_id', 'model.unk_id', set('model.unk_id', 0.5)),
  unigram('Unigram empty vocab', 'model.vocab', set('model.vocab', [])),
  unigram('Unigram vocab an object', 'model.vocab', set('model.vocab', {})),
];

/**
 * Files the binding loads that are not a SentencePiece model we reproduce, or whose ids differ from what the
 * file says: ours rejects them, naming the field. (`continuing_subword_prefix: "##"` is not here: on this
 * file it makes tokenizers 0.23.2 panic and abort the process.)
 */
export const rejectedByUsOnly: Broken[] = [
  ['two pieces with one id', 'model.vocab["c"]', set('model.vocab.c', 260)],
  ['ids not dense', 'model.vocab["c"]', set('model.vocab.c', 1000)],
  ['unk_token missing', 'model.unk_token', del('model.unk_token')],
  ['unk_token not a piece', 'model.unk_token', set('model.unk_token', '<nope>')],
  ['model.type missing', 'model.type', del('model.type')],
  ['dropout', 'model.dropout', set('model.dropout', 0.1)],
  ['end_of_word_suffix', 'model.end_of_word_suffix', set('model.end_of_word_suffix', '</w>')],
  ['ignore_merges', 'model.ignore_merges', set('model.ignore_merges', true)],
  ['piece_scores of the wrong length', 'model.piece_scores', set('model.piece_scores', [0])],
  ['added token with another piece id', 'added_tokens[1].id', set('added_tokens.1.id', 0)],
  ['added token with a wrong id', 'added_tokens[1].id', set('added_tokens.1.id', 5)],
  ['new added token skipping ids', 'added_tokens[3].id', push('added_tokens', addedToken(268, '<pad>'))],
  ['NFKC normalizer', 'normalizer.normalizers[2].type', push('normalizer.normalizers', { type: 'NFKC' })],
  [
    'Replace with a regex',
    'normalizer.normalizers[1].pattern',
    set('normalizer.normalizers.1.pattern', { Regex: ' ' }),
  ],
  ['spaces not escaped', 'normalizer', (json) => json.normalizer.normalizers.pop()],
  ['Whitespace pre_tokenizer', 'pre_tokenizer.type', set('pre_tokenizer', { type: 'Whitespace' })],
  ['Metaspace replacement "x"', 'pre_tokenizer.replacement', metaspace({ replacement: 'x' })],
  ['Metaspace split', 'pre_tokenizer.split', metaspace({ split: true })],
  ['Metaspace without split (true by default)', 'pre_tokenizer.split', metaspace({ split: undefined })],
  ['WordPiece decoder', 'decoder.type', set('decoder', { type: 'WordPiece', prefix: '##', cleanup: true })],
  ['ByteLevel decoder', 'decoder.type', set('decoder', { type: 'ByteLevel', ...byteLevelFlags })],
  unigram('Unigram duplicate piece', 'model.vocab[262][0]', set('model.vocab.262', ['a', -1])),
  unigram('Unigram unk_id null', 'model.unk_id', set('model.unk_id', null)),
];

/** Valid variants: both load them. `leadingSpace` false: HF's Metaspace adds no `▁` before a leading space. */
export const valid: Array<[name: string, edit: Edit, base: Base, leadingSpace: boolean]> = [
  ['LlamaConverter BPE, merges as pairs', () => {}, 'bpe', true],
  [
    'merges as "a b" strings',
    (json) => {
      json.model.merges = json.model.merges.map((m: string[]) => m.join(' '));
    },
    'bpe',
    true,
  ],
  [
    'with model.piece_scores',
    set(
      'model.piece_scores',
      bpeModel.entries().map((entry) => entry.score),
    ),
    'bpe',
    true,
  ],
  [
    'Metaspace layout (legacy add_prefix_space)',
    both(
      metaspace({ prepend_scheme: undefined, add_prefix_space: true }),
      set('decoder', { type: 'Metaspace', replacement: SPACE, add_prefix_space: true }),
    ),
    'bpe',
    false,
  ],
  [
    'a new added token with the next id, listed twice',
    push('added_tokens', addedToken(267, '<pad>'), addedToken(267, '<pad>')),
    'bpe',
    true,
  ],
  [
    'no version/truncation/padding, fuse_unk null',
    both(del('version'), del('truncation'), del('padding'), set('model.fuse_unk', null)),
    'bpe',
    true,
  ],
  ['Unigram', () => {}, 'unigram', true],
];
