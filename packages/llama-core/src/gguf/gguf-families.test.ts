/**
 * GGUF export and load of the Qwen2 / Qwen3 / InternLM2 families, laid out as llama.cpp's converter writes them
 * (architecture, tensor names, q/k permutation for llama/internlm2 only, a `gpt2` vocabulary for Qwen).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, readGolden } from '@lawgpt/test-helpers/golden';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { packS2 } from '../internlm2-pack.test-helpers.js';
import { loadModel } from '../load.js';
import type { LlamaModel } from '../model.js';
import { LOGITS_TOLERANCE } from '../tolerances.test-helpers.js';
import { exportGguf } from './export-gguf.js';
import {
  placeholderBpeVocabulary,
  readGgufModelVocabulary,
  validateBpeVocabulary,
} from './gguf-bpe-vocabulary.js';
import { GgufFile } from './gguf-reader.js';
import { permuteForGguf } from './rope-permute.js';

const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-gguf-families-'));

async function goldenDiff(model: LlamaModel, fixture: string): Promise<number> {
  let worst = 0;
  for (const record of readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base.logits) {
    const logits = model.forward(record.input_ids);
    const { maxDiff, argmaxEqual } = compareLogits(
      (await logits.data()) as Float32Array,
      model.config.vocabSize,
      record,
    );
    logits.dispose();
    expect(argmaxEqual).toBe(true);
    worst = Math.max(worst, maxDiff);
  }
  return worst;
}

for (const fixture of ['q2', 'q3'] as const) {
  describeWithShared(`GGUF ${fixture}`, [`fixtures/models/${fixture}`], () => {
    it('writes the architecture, tensor names and a gpt2 vocabulary as the converter, and loads back to the golden logits', async () => {
      const source = await loadModel(sharedPath('fixtures/models', fixture, 'model'));
      const path = join(scratch, `${fixture}.gguf`);
      await exportGguf({ model: source, path, dtype: 'F32' });
      const file = await GgufFile.open(path);
      try {
        const arch = fixture === 'q2' ? 'qwen2' : 'qwen3';
        expect(file.value('general.architecture')).toBe(arch);
        expect(file.value(`${arch}.attention.key_length`)).toBe(fixture === 'q2' ? 16 : 32);
        expect(file.value(`${arch}.rope.freq_base`)).toBe(1e6);
        expect(file.value('llama.vocab_size')).toBeUndefined();
        expect(file.value('tokenizer.ggml.model')).toBe('gpt2');
        expect(file.value('tokenizer.ggml.pre')).toBe('qwen2');
        const names = file.tensors.map((tensor) => tensor.name);
        if (fixture === 'q2') {
          expect(names).toContain('blk.1.attn_v.bias');
          expect(names).not.toContain('output.weight'); // tied
          expect(Array.from((await file.readTensor('blk.0.attn_k.bias')).data)).toEqual(
            Array.from(await source.readParameter('model.layers.0.self_attn.k_proj.bias')),
          );
        } else {
          expect(names).toContain('blk.2.attn_k_norm.weight');
          expect(file.info('blk.2.attn_q_norm.weight')?.shape).toEqual([32]);
        }
        // NEOX rotation: q rows stay in HF order (no permutation)
        expect(Array.from((await file.readTensor('blk.0.attn_q.weight')).data)).toEqual(
          Array.from(await source.readParameter('model.layers.0.self_attn.q_proj.weight')),
        );
        const vocabulary = readGgufModelVocabulary(file);
        expect(vocabulary.model).toBe('gpt2');
        expect(vocabulary.tokens).toHaveLength(source.config.vocabSize);
        expect(vocabulary.model === 'gpt2' && vocabulary.bosId).toBe(1); // from config.bos_token_id
      } finally {
        await file.close();
      }
      const reloaded = await loadModel(path);
      try {
        expect(reloaded.config.modelType).toBe(source.config.modelType);
        expect(reloaded.config.tieWordEmbeddings).toBe(fixture === 'q2');
        expect(reloaded.config.headDim).toBe(source.config.headDim);
        expect(await goldenDiff(reloaded, fixture)).toBeLessThan(LOGITS_TOLERANCE);
      } finally {
        reloaded.dispose();
        source.dispose();
      }
    });

    it("a Q8_0 file holds the engine's blocks and loads back to the same logits", async () => {
      const quantized = await loadModel(sharedPath('fixtures/models', fixture, 'model'), { dtype: 'q8_0' });
      const path = join(scratch, `${fixture}-q8.gguf`);
      await exportGguf({ model: quantized, path, dtype: 'Q8_0' });
      const reloaded = await loadModel(path);
      try {
        expect(reloaded.weightFormat('model.layers.0.self_attn.q_proj.weight')).toBe('q8_0');
        const ids = [[1, 5, 99, 400, 7]];
        expect(Array.from(await reloaded.forward(ids).data())).toEqual(
          Array.from(await quantized.forward(ids).data()),
        );
      } finally {
        reloaded.dispose();
        quantized.dispose();
      }
    });
  });
}

describeWithShared('GGUF internlm2 (s2 packed)', ['fixtures/models/s2/model'], () => {
  it("writes architecture internlm2 with llama-permuted q/k and loads back to s2's golden logits", async () => {
    const dir = join(scratch, 'internlm2');
    await packS2(dir);
    const model = await loadModel(dir);
    const path = join(scratch, 'internlm2.gguf');
    await exportGguf({ model, path });
    const file = await GgufFile.open(path);
    try {
      expect(file.value('general.architecture')).toBe('internlm2');
      expect(file.value('internlm2.attention.head_count_kv')).toBe(2);
      expect(file.value('tokenizer.ggml.model')).toBe('llama');
      const q = await model.readParameter('model.layers.0.self_attn.q_proj.weight');
      expect(Array.from((await file.readTensor('blk.0.attn_q.weight')).data)).toEqual(
        Array.from(permuteForGguf(q, 96, 6)),
      );
    } finally {
      await file.close();
      model.dispose();
    }
    const reloaded = await loadModel(path);
    try {
      expect(reloaded.config.modelType).toBe('internlm2');
      expect(await goldenDiff(reloaded, 's2')).toBeLessThan(LOGITS_TOLERANCE);
    } finally {
      reloaded.dispose();
    }
  });
});

describe('gpt2 vocabularies', () => {
  it('a placeholder holds the 256 byte pieces, then unused ids', () => {
    const vocabulary = placeholderBpeVocabulary({ vocabSize: 300 });
    expect(vocabulary.tokens[32]).toBe('Ġ');
    expect(vocabulary.tokens[10]).toBe('Ċ');
    expect(vocabulary.tokens[299]).toBe('[PAD299]');
    expect(vocabulary.tokenTypes[299]).toBe(5);
    expect(() => placeholderBpeVocabulary({ vocabSize: 200 })).toThrow(/vocabSize must be an integer >= 256/);
  });

  it('names the field of a bad vocabulary', () => {
    const vocabulary = placeholderBpeVocabulary({ vocabSize: 300 });
    expect(() => validateBpeVocabulary(vocabulary, 301)).toThrow(/vocabulary\.tokens must be 301 entries/);
    expect(() => validateBpeVocabulary({ ...vocabulary, merges: ['a b', 'Ġ xyz'] }, 300)).toThrow(InputError);
    expect(() => validateBpeVocabulary({ ...vocabulary, merges: ['a b'] }, 300)).toThrow(
      /vocabulary\.merges\[0\]/,
    );
    expect(() => validateBpeVocabulary({ ...vocabulary, eosId: 300 }, 300)).toThrow(/vocabulary\.eosId/);
  });
});
