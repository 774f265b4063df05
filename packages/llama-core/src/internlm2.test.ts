/**
 * InternLM2 (`model_type: internlm2`): s2 rewritten in InternLM2's names and packed `wqkv` layout must give s2's
 * logits, on every holder, and save back to the same file.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { compareLogits, readGolden } from '@lawgpt/test-helpers/golden';
import { beforeAll, expect, it } from 'vitest';
import { WeightError } from './errors.js';
import { packS2 } from './internlm2-pack.test-helpers.js';
import { type LoadModelOptions, loadModel } from './load.js';
import type { LlamaModel } from './model.js';
import { readSafetensors } from './safetensors/reader.js';
import { type TensorSource, writeSafetensors } from './safetensors/writer.js';
import { LOGITS_TOLERANCE } from './tolerances.test-helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-internlm2-'));
const packedDir = join(scratch, 's2-internlm2');

async function logitsOf(model: LlamaModel, ids: number[][]): Promise<number[]> {
  const logits = model.forward(ids);
  const values = Array.from(await logits.data());
  logits.dispose();
  return values;
}

describeWithShared('InternLM2 layout (s2 packed)', ['fixtures/models/s2/model'], () => {
  let packed: Map<string, { shape: number[]; data: Float32Array }>;
  beforeAll(async () => {
    packed = await packS2(packedDir);
  });

  const holders: Array<[string, LoadModelOptions]> = [
    ['tfjs float32', {}],
    ['engine-held f32', { storage: 'stored' }],
    ['engine-held q8_0', { dtype: 'q8_0' }],
  ];
  for (const [label, options] of holders) {
    it(`${label}: logits equal s2's (wqkv unpacked into q/k/v${label.startsWith('engine') ? ' by row ranges as it streams' : ''})`, async () => {
      const internlm = await loadModel(packedDir, options);
      const llama = await loadModel(sharedPath('fixtures/models/s2/model'), options);
      try {
        expect(internlm.config.modelType).toBe('internlm2');
        for (const record of readGolden(sharedPath('fixtures/models/s2/golden.json')).base.logits) {
          const ours = await logitsOf(internlm, record.input_ids);
          expect(ours).toEqual(await logitsOf(llama, record.input_ids));
          if (!options.dtype) {
            const { maxDiff } = compareLogits(Float32Array.from(ours), internlm.config.vocabSize, record);
            expect(maxDiff).toBeLessThan(LOGITS_TOLERANCE);
          }
        }
      } finally {
        internlm.dispose();
        llama.dispose();
      }
    });
  }

  it('saves in InternLM2 names and layout, byte for byte the packed file', async () => {
    const model = await loadModel(packedDir);
    const out = join(scratch, 'saved');
    try {
      await model.save(out);
    } finally {
      model.dispose();
    }
    const { tensors } = await readSafetensors(join(out, 'model.safetensors'));
    expect([...tensors.keys()].sort()).toEqual([...packed.keys()].sort());
    for (const [name, { data }] of packed)
      expect(Buffer.from(tensors.get(name)!.data.buffer).equals(Buffer.from(data.buffer)), name).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'internlm2',
      architectures: ['InternLM2ForCausalLM'],
      bias: false,
    });
  });

  it('names the packed tensor when its shape is wrong', async () => {
    const bad = join(scratch, 'bad');
    mkdirSync(bad, { recursive: true });
    // layer 1's wqkv written as [192, 96] instead of [(6 + 2·2)·16, 96] = [160, 96]
    const sources: TensorSource[] = [...packed].map(([name, { shape, data }]) =>
      name === 'model.layers.1.attention.wqkv.weight'
        ? { name, shape: [192, 96], data: new Float32Array(192 * 96) }
        : { name, shape, data },
    );
    await writeSafetensors(join(bad, 'model.safetensors'), sources);
    writeFileSync(join(bad, 'config.json'), readFileSync(join(packedDir, 'config.json')));
    const error = await loadModel(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeightError);
    expect((error as WeightError).tensor).toBe('model.layers.1.attention.wqkv.weight');
    expect((error as WeightError).message).toContain('shape [160, 96] (from the config)');
  });
});
