/**
 * The text pipeline of a LLaMA-style `tokenizer.json` (normalizer, pre-tokenizer, decoder, post-processor):
 * only the steps that SentencePiece's identity normalization with `▁`-escaped spaces can express are accepted.
 * Everything else is reported as a `TokenizerModelError` naming its JSON field.
 */
import type { FieldFailure } from './field-failure.js';

type JsonObject = Record<string, unknown>;

const SPACE = '\u2581';

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function children(node: JsonObject, key: string, field: string, fail: FieldFailure): JsonObject[] {
  const list = node[key];
  if (!Array.isArray(list)) fail(`${field}.${key}`, 'an array', list);
  list.forEach((child, index) => {
    if (!isObject(child)) fail(`${field}.${key}[${index}]`, 'an object with a type', child);
  });
  return list as JsonObject[];
}

/** `{ String: text }`, the only Replace pattern that needs no regex engine. */
function isStringPattern(pattern: unknown, text: string): boolean {
  return isObject(pattern) && pattern.String === text && Object.keys(pattern).length === 1;
}

/** Normalizer: null, Prepend `▁`, Replace `" "` → `▁`, or a Sequence of them. */
function readNormalizer(
  node: unknown,
  field: string,
  fail: FieldFailure,
  flags: { addDummyPrefix: boolean; escapes: boolean },
): void {
  if (node === null || node === undefined) return;
  if (!isObject(node)) fail(field, 'null or an object with a type', node);
  if (node.type === 'Sequence') {
    children(node, 'normalizers', field, fail).forEach((child, index) => {
      readNormalizer(child, `${field}.normalizers[${index}]`, fail, flags);
    });
  } else if (node.type === 'Prepend') {
    if (node.prepend !== SPACE) fail(`${field}.prepend`, `"${SPACE}"`, node.prepend);
    flags.addDummyPrefix = true;
  } else if (node.type === 'Replace') {
    if (!isStringPattern(node.pattern, ' ')) fail(`${field}.pattern`, '{ String: " " }', node.pattern);
    if (node.content !== SPACE) fail(`${field}.content`, `"${SPACE}"`, node.content);
    flags.escapes = true;
  } else
    fail(`${field}.type`, 'Prepend "▁" / Replace " " → "▁" or a Sequence of them (LLaMA style)', node.type);
}

const PREPEND_SCHEMES = ['first', 'always', 'never'];

/** Pre-tokenizer: null, or Metaspace with replacement `▁` and `split: false`. */
function readPreTokenizer(
  node: unknown,
  fail: FieldFailure,
  flags: { addDummyPrefix: boolean; escapes: boolean },
) {
  if (node === null || node === undefined) return;
  if (!isObject(node)) fail('pre_tokenizer', 'null or an object with a type', node);
  if (node.type !== 'Metaspace') fail('pre_tokenizer.type', 'null or Metaspace (LLaMA style)', node.type);
  if (node.replacement !== SPACE) fail('pre_tokenizer.replacement', `"${SPACE}"`, node.replacement);
  // tokenizers splits at each `▁` unless `split` is false (absent counts as true), sentencepiece never does.
  if (node.split !== false)
    fail('pre_tokenizer.split', 'false (sentencepiece does not split at "▁")', node.split);
  const scheme = node.prepend_scheme;
  if (scheme !== undefined && !PREPEND_SCHEMES.includes(scheme as string))
    fail('pre_tokenizer.prepend_scheme', PREPEND_SCHEMES.join(', '), scheme);
  if (node.add_prefix_space !== undefined && typeof node.add_prefix_space !== 'boolean')
    fail('pre_tokenizer.add_prefix_space', 'a boolean', node.add_prefix_space);
  flags.escapes = true;
  flags.addDummyPrefix = scheme !== 'never' && node.add_prefix_space !== false;
}

/** Decoder: null, Metaspace, or a Sequence of Replace `▁` → `" "`, ByteFallback, Fuse and Strip `" "`. */
function readDecoder(node: unknown, field: string, fail: FieldFailure): void {
  if (node === null || node === undefined) return;
  if (!isObject(node)) fail(field, 'null or an object with a type', node);
  switch (node.type) {
    case 'Sequence':
      children(node, 'decoders', field, fail).forEach((child, index) => {
        if (child.type === 'Sequence')
          fail(`${field}.decoders[${index}].type`, 'a step, not a Sequence', child.type);
        readDecoder(child, `${field}.decoders[${index}]`, fail);
      });
      return;
    case 'Metaspace':
      if (node.replacement !== SPACE) fail(`${field}.replacement`, `"${SPACE}"`, node.replacement);
      return;
    case 'Replace':
      if (!isStringPattern(node.pattern, SPACE))
        fail(`${field}.pattern`, `{ String: "${SPACE}" }`, node.pattern);
      if (node.content !== ' ') fail(`${field}.content`, '" "', node.content);
      return;
    case 'ByteFallback':
    case 'Fuse':
      return;
    case 'Strip':
      if (node.content !== ' ') fail(`${field}.content`, '" "', node.content);
      for (const key of ['start', 'stop'])
        if (!Number.isInteger(node[key]) || (node[key] as number) < 0)
          fail(`${field}.${key}`, 'a count ≥ 0', node[key]);
      return;
    default:
      fail(
        `${field}.type`,
        'null, Metaspace, or a Sequence of Replace/ByteFallback/Fuse/Strip (LLaMA style)',
        node.type,
      );
  }
}

const POST_PROCESSORS = [
  'TemplateProcessing',
  'BertProcessing',
  'RobertaProcessing',
  'ByteLevel',
  'Sequence',
];

/**
 * Check the normalizer, pre-tokenizer, decoder and post-processor of a LLaMA-style `tokenizer.json`; return
 * whether a `▁` is prepended to the text (SentencePiece's `add_dummy_prefix`). Spaces must be escaped to `▁`
 * by the normalizer or a Metaspace pre-tokenizer. The post-processor only adds `<s>` in HF (`addBos` here):
 * any kind `tokenizers` knows is accepted.
 */
export function readLlamaPipeline(json: JsonObject, fail: FieldFailure): { addDummyPrefix: boolean } {
  const flags = { addDummyPrefix: false, escapes: false };
  readNormalizer(json.normalizer, 'normalizer', fail, flags);
  readPreTokenizer(json.pre_tokenizer, fail, flags);
  if (!flags.escapes)
    fail('normalizer', 'spaces replaced by "▁" (Replace normalizer or Metaspace)', json.normalizer);
  readDecoder(json.decoder, 'decoder', fail);
  const post = json.post_processor;
  if (post !== null && post !== undefined) {
    if (!isObject(post)) fail('post_processor', 'null or an object with a type', post);
    if (!POST_PROCESSORS.includes(post.type as string))
      fail('post_processor.type', `null or ${POST_PROCESSORS.join(', ')}`, post.type);
  }
  return { addDummyPrefix: flags.addDummyPrefix };
}
