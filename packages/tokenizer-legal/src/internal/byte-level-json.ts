/**
 * Reading (and writing back the added tokens of) a byte-level BPE `tokenizer.json`: GPT-2, Qwen, LLaMA-3 and
 * the like. Every unsupported kind is reported as a `TokenizerModelError` naming its JSON field.
 */

import type { AddedToken } from '../byte-level-bpe-tokenizer.js';
import { ByteLevelBpeModel } from './byte-level-bpe-model.js';
import { type FieldFailure, fieldFailer } from './field-failure.js';
import { buildPreTokenizer, type PreTokenizer } from './pre-tokenizer.js';

type JsonObject = Record<string, unknown>;

/** The parts of a byte-level BPE tokenizer. */
export interface ByteLevelParts {
  model: ByteLevelBpeModel;
  preTokenizer: PreTokenizer;
  normalize: (text: string) => string;
  addedTokens: AddedToken[];
}

function mentionsByteLevel(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  const object = node as JsonObject;
  if (object.type === 'ByteLevel') return true;
  const children = object.pretokenizers ?? object.decoders;
  return Array.isArray(children) && children.some(mentionsByteLevel);
}

/** True for a BPE `tokenizer.json` whose pre-tokenizer or decoder is ByteLevel. */
export function isByteLevelJson(json: JsonObject): boolean {
  const model = json.model as JsonObject | undefined;
  return model?.type === 'BPE' && (mentionsByteLevel(json.pre_tokenizer) || mentionsByteLevel(json.decoder));
}

const FORMS = ['NFC', 'NFD', 'NFKC', 'NFKD'];

function buildNormalizer(node: unknown, field: string, fail: FieldFailure): Array<(text: string) => string> {
  if (node === null || node === undefined) return [];
  const object = node as JsonObject;
  if (object.type === 'Sequence') {
    const list = object.normalizers;
    if (!Array.isArray(list)) fail(`${field}.normalizers`, 'an array', list);
    return list.flatMap((child, index) => buildNormalizer(child, `${field}.normalizers[${index}]`, fail));
  }
  const form = object.type as string;
  if (!FORMS.includes(form)) fail(`${field}.type`, `null, ${FORMS.join(', ')} or a Sequence of them`, form);
  return [(text) => text.normalize(form)];
}

function readMerges(
  model: JsonObject,
  vocab: Map<string, number>,
  fail: FieldFailure,
): Array<[string, string]> {
  const raw = model.merges ?? [];
  if (!Array.isArray(raw)) fail('model.merges', 'an array of "a b" strings or [a, b] pairs', raw);
  return raw.map((merge, index): [string, string] => {
    let pair: unknown[];
    if (typeof merge === 'string') pair = merge.split(' ');
    else if (Array.isArray(merge)) pair = merge;
    else fail(`model.merges[${index}]`, '"a b" or [a, b]', merge);
    const [left, right] = pair as [string, string];
    if (pair.length !== 2 || typeof left !== 'string' || typeof right !== 'string')
      fail(`model.merges[${index}]`, 'two pieces', merge);
    for (const piece of [left, right, left + right])
      if (!vocab.has(piece))
        fail(`model.merges[${index}]`, `pieces of model.vocab ("${piece}" is not)`, merge);
    return [left, right];
  });
}

function readModel(json: JsonObject, fail: FieldFailure): ByteLevelBpeModel {
  const model = json.model as JsonObject;
  const vocabObject = model.vocab as Record<string, number> | undefined;
  if (!vocabObject || typeof vocabObject !== 'object' || Array.isArray(vocabObject))
    fail('model.vocab', 'an object piece → id', vocabObject);
  const vocab = new Map<string, number>();
  for (const [piece, id] of Object.entries(vocabObject)) {
    if (!Number.isInteger(id) || id < 0) fail(`model.vocab[${JSON.stringify(piece)}]`, 'an id ≥ 0', id);
    vocab.set(piece, id);
  }
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[key] !== undefined && model[key] !== null && model[key] !== '')
      fail(`model.${key}`, 'null or "" (byte-level BPE)', model[key]);
  }
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0)
    fail('model.dropout', 'null (dropout is for training)', model.dropout);
  const unkToken = model.unk_token;
  let unkId = -1;
  if (unkToken !== undefined && unkToken !== null) {
    if (typeof unkToken !== 'string' || !vocab.has(unkToken))
      fail('model.unk_token', 'a piece of model.vocab', unkToken);
    unkId = vocab.get(unkToken)!;
  }
  return new ByteLevelBpeModel({
    vocab,
    merges: readMerges(model, vocab, fail),
    ignoreMerges: model.ignore_merges === true,
    unkId,
    fuseUnk: model.fuse_unk === true,
  });
}

/**
 * `added_tokens` with the ids Hugging Face `tokenizers` gives them on load: the model id when the content is
 * a piece of the vocabulary, else the next id after the model vocabulary, in list order (the file's `id` is
 * only checked, with a warning, by HF; empty contents are ignored).
 */
function readAddedTokens(
  json: JsonObject,
  vocab: ReadonlyMap<string, number>,
  fail: FieldFailure,
): AddedToken[] {
  const list = json.added_tokens ?? [];
  if (!Array.isArray(list)) fail('added_tokens', 'an array', list);
  const byContent = new Map<string, AddedToken>();
  let nextId = vocab.size;
  list.forEach((entry: JsonObject, index) => {
    if (!Number.isInteger(entry?.id) || (entry.id as number) < 0)
      fail(`added_tokens[${index}].id`, 'an id ≥ 0', entry?.id);
    if (typeof entry.content !== 'string') fail(`added_tokens[${index}].content`, 'a string', entry.content);
    if (entry.content.length === 0) return;
    const id = byContent.get(entry.content)?.id ?? vocab.get(entry.content) ?? nextId++;
    byContent.set(entry.content, {
      id,
      content: entry.content,
      special: entry.special === true,
      normalized: entry.normalized === true,
      lstrip: entry.lstrip === true,
      rstrip: entry.rstrip === true,
      singleWord: entry.single_word === true,
    });
  });
  return [...byContent.values()];
}

/** Validate and compile a byte-level BPE `tokenizer.json` (`path` names it in errors). */
export function parseByteLevelJson(json: JsonObject, path: string): ByteLevelParts {
  const fail = fieldFailer(path);
  if ((json.model as JsonObject | undefined)?.type !== 'BPE')
    fail('model.type', 'BPE', (json.model as JsonObject | undefined)?.type);
  const decoder = json.decoder as JsonObject | null | undefined;
  if (decoder?.type !== 'ByteLevel') fail('decoder.type', 'ByteLevel', decoder?.type ?? null);
  const steps = buildNormalizer(json.normalizer, 'normalizer', fail);
  const normalize =
    steps.length === 0
      ? (text: string) => text
      : steps.length === 1
        ? steps[0]
        : (text: string) => steps.reduce((value, step) => step(value), text);
  const model = readModel(json, fail);
  return {
    model,
    preTokenizer: buildPreTokenizer(json.pre_tokenizer, fail),
    normalize,
    addedTokens: readAddedTokens(json, model.vocab, fail),
  };
}

/** `added_tokens` entries as `tokenizer.json` writes them. */
export function addedTokensJson(tokens: readonly AddedToken[]): JsonObject[] {
  return tokens.map((token) => ({
    id: token.id,
    content: token.content,
    single_word: token.singleWord,
    lstrip: token.lstrip,
    rstrip: token.rstrip,
    normalized: token.normalized,
    special: token.special,
  }));
}
