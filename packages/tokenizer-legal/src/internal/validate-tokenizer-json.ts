/**
 * Validation of a LLaMA-style `tokenizer.json` (BPE or Unigram over `▁`-escaped text), in place of parsing it
 * with the `tokenizers` binding: every problem is a `TokenizerModelError` naming its JSON field
 * (`model.merges[12]`, `added_tokens[3].id`, `decoder.type`, ...).
 */

import { type FieldFailure, fieldFailer } from './field-failure.js';
import { readLlamaPipeline } from './llama-json-pipeline.js';

type JsonObject = Record<string, unknown>;

/** What a valid LLaMA-style `tokenizer.json` holds, in vocabulary order. */
export interface ValidTokenizerJson {
  type: 'BPE' | 'Unigram';
  /** Pieces by id with their score (`model.piece_scores` for BPE when present, else 0). */
  pieces: Array<{ piece: string; score: number }>;
  /** BPE merges in rank order, or `undefined` when scores decide (Unigram, or BPE with `piece_scores`). */
  merges?: Array<[string, string]>;
  unkId: number;
  byteFallback: boolean;
  /** `special` of the added tokens whose content is a piece of the vocabulary, by id. */
  special: Map<number, boolean>;
  /** A `▁` is prepended to the text (SentencePiece's `add_dummy_prefix`). */
  addDummyPrefix: boolean;
}

/** The top-level fields `tokenizers` accepts (it rejects any other). */
const TOP_LEVEL = [
  'version',
  'truncation',
  'padding',
  'added_tokens',
  'normalizer',
  'pre_tokenizer',
  'post_processor',
  'decoder',
  'model',
];

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkBooleans(node: JsonObject, keys: string[], field: string, fail: FieldFailure): void {
  for (const key of keys)
    if (node[key] !== undefined && node[key] !== null && typeof node[key] !== 'boolean')
      fail(`${field}.${key}`, 'a boolean or null', node[key]);
}

/** `model.vocab` of a BPE model: piece → id, ids unique and dense from 0. */
function readBpeVocab(model: JsonObject, fail: FieldFailure): string[] {
  const vocab = model.vocab;
  if (!isObject(vocab)) fail('model.vocab', 'an object piece → id', vocab);
  const size = Object.keys(vocab).length;
  const byId: string[] = new Array(size);
  for (const [piece, id] of Object.entries(vocab)) {
    const field = `model.vocab[${JSON.stringify(piece)}]`;
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= size)
      fail(field, `an integer id in 0..${size - 1} (ids dense from 0)`, id);
    if (byId[id as number] !== undefined)
      fail(field, `an id of its own (${id} is also "${byId[id as number]}")`, id);
    byId[id as number] = piece;
  }
  return byId;
}

/** `model.merges`: `"a b"` strings or `[a, b]` pairs whose parts and their concatenation are pieces. */
function readMerges(
  model: JsonObject,
  vocab: ReadonlySet<string>,
  fail: FieldFailure,
): Array<[string, string]> {
  const raw = model.merges;
  if (!Array.isArray(raw)) fail('model.merges', 'an array of "a b" strings or [a, b] pairs', raw);
  return raw.map((merge, index): [string, string] => {
    const field = `model.merges[${index}]`;
    const pair: unknown[] = typeof merge === 'string' ? merge.split(' ') : Array.isArray(merge) ? merge : [];
    const [left, right] = pair;
    if (pair.length !== 2 || typeof left !== 'string' || typeof right !== 'string')
      fail(field, '"a b" (one space) or [a, b] (two strings)', merge);
    for (const piece of [left, right, left + right])
      if (!vocab.has(piece))
        fail(field, `pieces of model.vocab whose concatenation is one ("${piece}" is not)`, merge);
    return [left, right];
  });
}

function readBpe(model: JsonObject, fail: FieldFailure) {
  const byId = readBpeVocab(model, fail);
  const vocab = new Set(byId);
  const merges = readMerges(model, vocab, fail);
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0)
    fail('model.dropout', 'null (dropout is for training)', model.dropout);
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'])
    if (model[key] !== undefined && model[key] !== null && model[key] !== '')
      fail(`model.${key}`, 'null (sentencepiece has no word affixes)', model[key]);
  if (model.ignore_merges === true) fail('model.ignore_merges', 'false (LLaMA style)', model.ignore_merges);
  if (typeof model.unk_token !== 'string' || !vocab.has(model.unk_token))
    fail('model.unk_token', 'a piece of model.vocab', model.unk_token);
  const scores = model.piece_scores;
  if (scores !== undefined) {
    if (!Array.isArray(scores) || scores.length !== byId.length)
      fail('model.piece_scores', `an array of ${byId.length} scores (one per piece)`, scores);
    scores.forEach((score, id) => {
      if (typeof score !== 'number' || !Number.isFinite(score))
        fail(`model.piece_scores[${id}]`, 'a finite number', score);
    });
  }
  return {
    pieces: byId.map((piece, id) => ({ piece, score: (scores as number[] | undefined)?.[id] ?? 0 })),
    merges: scores === undefined ? merges : undefined,
    unkId: byId.indexOf(model.unk_token as string),
  };
}

function readUnigram(model: JsonObject, fail: FieldFailure) {
  const vocab = model.vocab;
  if (!Array.isArray(vocab) || vocab.length === 0)
    fail('model.vocab', 'a non-empty array of [piece, score]', vocab);
  const seen = new Map<string, number>();
  const pieces = vocab.map((entry, id) => {
    const [piece, score] = Array.isArray(entry) ? entry : [];
    if (!Array.isArray(entry) || entry.length !== 2) fail(`model.vocab[${id}]`, '[piece, score]', entry);
    if (typeof piece !== 'string') fail(`model.vocab[${id}][0]`, 'a string', piece);
    if (typeof score !== 'number' || !Number.isFinite(score))
      fail(`model.vocab[${id}][1]`, 'a finite number', score);
    if (seen.has(piece))
      fail(`model.vocab[${id}][0]`, `a piece of its own (also id ${seen.get(piece)})`, piece);
    seen.set(piece, id);
    return { piece, score };
  });
  const unkId = model.unk_id;
  if (!Number.isInteger(unkId) || (unkId as number) < 0 || (unkId as number) >= pieces.length)
    fail('model.unk_id', `an id in 0..${pieces.length - 1}`, unkId);
  return { pieces, merges: undefined, unkId: unkId as number };
}

const ADDED_FLAGS = ['single_word', 'lstrip', 'rstrip', 'normalized', 'special'];

/**
 * `added_tokens`: each `{ id, content, single_word, lstrip, rstrip, normalized, special }`; the id of a content
 * in the vocabulary is its vocabulary id, a new content takes the next id after the vocabulary (what
 * `tokenizers` assigns on load, whatever the file says).
 */
function readAddedTokens(json: JsonObject, vocab: ReadonlyMap<string, number>, fail: FieldFailure) {
  const list = json.added_tokens ?? [];
  if (!Array.isArray(list)) fail('added_tokens', 'an array', list);
  const special = new Map<number, boolean>();
  const added = new Map<string, number>();
  list.forEach((entry, index) => {
    const field = `added_tokens[${index}]`;
    if (!isObject(entry)) fail(field, 'an object { id, content, special, ... }', entry);
    if (!Number.isInteger(entry.id) || (entry.id as number) < 0)
      fail(`${field}.id`, 'an integer id ≥ 0', entry.id);
    if (typeof entry.content !== 'string') fail(`${field}.content`, 'a string', entry.content);
    for (const key of ADDED_FLAGS)
      if (typeof entry[key] !== 'boolean') fail(`${field}.${key}`, 'a boolean', entry[key]);
    if (entry.content.length === 0) return; // ignored by tokenizers
    const known = vocab.get(entry.content) ?? added.get(entry.content);
    const expected = known ?? vocab.size + added.size;
    if (entry.id !== expected) {
      const why = known === undefined ? 'the next id after the vocabulary' : `the id of "${entry.content}"`;
      fail(`${field}.id`, `${expected} (${why})`, entry.id);
    }
    if (known === undefined) added.set(entry.content, expected);
    else if (vocab.has(entry.content)) special.set(expected, entry.special as boolean);
  });
  return special;
}

/** Validate a parsed LLaMA-style `tokenizer.json` and read what a SentencePiece model needs from it. */
export function validateTokenizerJson(json: unknown, path: string): ValidTokenizerJson {
  const fail: FieldFailure = fieldFailer(path);
  if (!isObject(json)) fail('(root)', 'a JSON object', json);
  for (const key of Object.keys(json))
    if (!TOP_LEVEL.includes(key))
      fail(key, `no such field (a tokenizer.json has ${TOP_LEVEL.join(', ')})`, json[key]);
  const model = json.model;
  if (!isObject(model)) fail('model', 'an object', model);
  const type = model.type;
  if (type !== 'BPE' && type !== 'Unigram') fail('model.type', 'BPE or Unigram', type);
  checkBooleans(model, ['fuse_unk', 'byte_fallback', 'ignore_merges'], 'model', fail);
  const { pieces, merges, unkId } = type === 'BPE' ? readBpe(model, fail) : readUnigram(model, fail);
  const vocab = new Map(pieces.map(({ piece }, id) => [piece, id]));
  const special = readAddedTokens(json, vocab, fail);
  const { addDummyPrefix } = readLlamaPipeline(json, fail);
  return { type, pieces, merges, unkId, byteFallback: model.byte_fallback === true, special, addDummyPrefix };
}
