import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { describe, expect, it } from 'vitest';
import { TokenizerFileError } from './errors.js';
import { buildTestModel } from './internal/test-model.js';
import { loadTokenizer } from './load-tokenizer.js';
import { decodeModelProto, encodeModelProto, ModelType } from './model-proto.js';

describe('ModelProto codec', () => {
  it('round-trips a model built in code, with proto2 defaults for absent fields', () => {
    const proto = buildTestModel({ pieces: [['a', -1]] });
    const bytes = encodeModelProto(proto);
    const decoded = decodeModelProto(bytes);
    expect(decoded.pieces.map((piece) => piece.piece)).toEqual(['<unk>', '<s>', '</s>', 'a']);
    expect(decoded.trainer_spec?.model_type).toBe(ModelType.BPE);
    expect(Buffer.from(encodeModelProto(decoded)).equals(Buffer.from(bytes))).toBe(true);
    const bare = decodeModelProto(encodeModelProto({ pieces: [{ piece: 'x' }] }));
    expect(bare.pieces[0].type).toBe(1);
    expect(bare.normalizer_spec?.add_dummy_prefix ?? true).toBe(true);
  });

  it('names the file and the problem for truncated, corrupt and empty input', async () => {
    const bytes = encodeModelProto(buildTestModel({ pieces: [['abc', -1]] }));
    const dir = await mkdtemp(join(tmpdir(), 'tok-proto-'));
    const truncated = join(dir, 'truncated.model');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 7));
    await expect(loadTokenizer(truncated)).rejects.toThrow(TokenizerFileError);
    await expect(loadTokenizer(truncated)).rejects.toThrow(/truncated\.model: .*truncated or corrupt/);
    const corrupt = join(dir, 'corrupt.model');
    await writeFile(corrupt, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    await expect(loadTokenizer(corrupt)).rejects.toThrow(/corrupt\.model: /);
    const empty = join(dir, 'empty.model');
    await writeFile(empty, '');
    await expect(loadTokenizer(empty)).rejects.toThrow(/empty\.model: file is empty/);
    await expect(loadTokenizer(join(dir, 'missing.model'))).rejects.toThrow(/missing\.model: cannot read/);
  });
});

describeWithShared('ModelProto codec on real models', ['fixtures/tokenizers/llama2/tokenizer.model'], () => {
  it('re-serializes every fixture model byte for byte', () => {
    for (const file of [
      'llama2/tokenizer.model',
      'chinese-sp/chinese_sp.model',
      'chinese-llama/tokenizer.model',
    ]) {
      const bytes = readFileSync(sharedPath('fixtures/tokenizers', file));
      expect(Buffer.from(encodeModelProto(decodeModelProto(bytes))).equals(bytes), file).toBe(true);
    }
  });
});
