import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, readGolden } from '@lawgpt/test-helpers/golden';
import { describe, expect, it } from 'vitest';
import { createLlamaConfig } from '../config.js';
import { loadModel } from '../load.js';
import { createRandomModel } from '../random-model.js';
import { LOGITS_TOLERANCE } from '../tolerances.test-helpers.js';
import { exportGguf } from './export-gguf.js';

const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-gguf-model-'));

describeWithShared('loadModel on a GGUF file (s2)', ['fixtures/models/s2/model'], () => {
  it(`reads the config from the metadata, un-permutes q/k, and gives the golden logits within ${LOGITS_TOLERANCE}`, async () => {
    const source = await loadModel(sharedPath('fixtures/models/s2/model'));
    const path = join(scratch, 's2-f32.gguf');
    await exportGguf({ model: source, path, dtype: 'F32' });
    const model = await loadModel(path);
    try {
      for (const key of [
        'vocabSize',
        'hiddenSize',
        'numKeyValueHeads',
        'headDim',
        'ropeTheta',
        'rmsNormEps',
      ] as const) {
        expect(model.config[key], key).toBeCloseTo(source.config[key], 6);
      }
      expect(model.config.tieWordEmbeddings).toBe(false);
      for (const record of readGolden(sharedPath('fixtures/models/s2/golden.json')).base.logits) {
        const logits = model.forward(record.input_ids);
        const { maxDiff, argmaxEqual } = compareLogits((await logits.data()) as Float32Array, 1000, record);
        logits.dispose();
        expect(maxDiff).toBeLessThan(LOGITS_TOLERANCE);
        expect(argmaxEqual).toBe(true);
      }
      // `auto` keeps the file's F32 (as tfjs variables here); a q8_0 load quantizes at load.
      expect(model.weightFormat('model.layers.1.mlp.up_proj.weight')).toBe('f32');
      const quantized = await loadModel(path, { dtype: 'q8_0' });
      expect(quantized.weightFormat('model.layers.1.mlp.up_proj.weight')).toBe('q8_0');
      quantized.dispose();
    } finally {
      model.dispose();
      source.dispose();
    }
  });
});

describe('GGUF files that cannot be loaded', () => {
  const config = createLlamaConfig({
    vocabSize: 300,
    hiddenSize: 64,
    intermediateSize: 96,
    numHiddenLayers: 1,
    numAttentionHeads: 4,
    tieWordEmbeddings: true,
  });

  async function export8(name: string): Promise<string> {
    const model = await createRandomModel(config, { seed: 3 });
    const path = join(scratch, name);
    await exportGguf({ model, path, dtype: 'Q8_0' });
    model.dispose();
    return path;
  }

  it('a tied model round-trips (no output tensor) as Q8_0', async () => {
    const path = await export8('tied.gguf');
    const model = await loadModel(path);
    expect(model.config.tieWordEmbeddings).toBe(true);
    expect(model.weightFormat('model.embed_tokens.weight')).toBe('q8_0');
    const logits = model.forward([[1, 2, 3]]);
    expect(logits.shape).toEqual([1, 3, 300]);
    logits.dispose();
    model.dispose();
  });

  it('names the tensor and its type when the type is not supported', async () => {
    const path = await export8('q41.gguf');
    const bytes = readFileSync(path);
    // The info of blk.0.ffn_up.weight: name, n_dims (u32), dims (2 × u64), then its type (u32).
    const name = Buffer.from('blk.0.ffn_up.weight');
    const at = bytes.indexOf(name) + name.length + 4 + 16;
    expect(bytes.readUInt32LE(at)).toBe(8);
    bytes.writeUInt32LE(3, at); // Q4_1: 20 bytes per block, fits inside the Q8_0 data
    writeFileSync(path, bytes);
    await expect(loadModel(path)).rejects.toThrow(
      /tensor "blk\.0\.ffn_up\.weight": type: ggml type Q4_1 is not supported/,
    );
  });

  it('names the offset of a truncated file', async () => {
    const path = await export8('truncated.gguf');
    truncateSync(path, readFileSync(path).length - 4096);
    await expect(loadModel(path)).rejects.toThrow(
      /offset past end: data \[\d+, \d+\) lies beyond the file size/,
    );
  });

  it('names the architecture it does not know', async () => {
    const path = await export8('arch.gguf');
    const bytes = readFileSync(path);
    const at = bytes.indexOf(
      Buffer.from('llama', 'latin1'),
      bytes.indexOf(Buffer.from('general.architecture')),
    );
    bytes.write('xxxxx', at, 'latin1');
    writeFileSync(path, bytes);
    await expect(loadModel(path)).rejects.toThrow(
      /general\.architecture.*"xxxxx" is not supported \(llama, qwen2, qwen3, internlm2\)/,
    );
  });
});
