/**
 * A model whose float32 weights pass 4 GiB — more than tfjs-wasm's heap can address — loads on the default
 * engine and gives the logits of the `cpu` backend (plain TensorFlow.js ops on JavaScript arrays, holding the same
 * weights as variables). The checkpoint is written as a Hub download would be (BF16, two shards, 2.3 GB) and
 * loaded with `dtype: 'f32'` (4.7 GB held). The one heavy test of the suite: 2 layers, a 128,000 × 4,096 vocabulary.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLlamaConfig, toHfConfig } from './config.js';
import { loadModel } from './load.js';
import { parameterSpecs } from './weights.js';

const config = createLlamaConfig({
  vocabSize: 128_000,
  hiddenSize: 4096,
  intermediateSize: 128,
  numHiddenLayers: 2,
  numAttentionHeads: 32,
  numKeyValueHeads: 2,
});
const dir = mkdtempSync(join(tmpdir(), 'lawgpt-large-'));
const INPUT = [[1, 64_000, 127_999, 7]];

/**
 * Writes the checkpoint as BF16 in two shards with an index, the bytes made directly: a pseudo-random BF16 pattern
 * of prime length tiled from a per-tensor offset (values ±0.02; norms 1 ± 0.1), so rows differ without computing a
 * billion random numbers.
 */
function writeBf16Checkpoint(): void {
  const PATTERN = 1_000_003;
  const pattern = new Uint16Array(PATTERN);
  const norms = new Uint16Array(PATTERN);
  const word = new Float32Array(1);
  const bits = new Uint32Array(word.buffer);
  let state = 12345;
  for (let i = 0; i < PATTERN; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const unit = (state >>> 8) / 16_777_216 - 0.5;
    word[0] = 0.04 * unit;
    pattern[i] = bits[0]! >>> 16;
    word[0] = 1 + 0.2 * unit;
    norms[i] = bits[0]! >>> 16;
  }
  const specs = parameterSpecs(config);
  const shards = [specs.slice(0, 1), specs.slice(1)];
  const weightMap: Record<string, string> = {};
  shards.forEach((tensors, index) => {
    const file = `model-0000${index + 1}-of-00002.safetensors`;
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    let offset = 0;
    for (const spec of tensors) {
      const bytes = spec.shape.reduce((a, b) => a * b, 2);
      header[spec.name] = { dtype: 'BF16', shape: spec.shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
      weightMap[spec.name] = file;
    }
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const fd = openSync(join(dir, file), 'w');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, length);
    writeSync(fd, Buffer.from(json));
    tensors.forEach((spec) => {
      const source = spec.shape.length === 1 ? norms : pattern;
      const data = new Uint16Array(spec.shape.reduce((a, b) => a * b, 1));
      const start = (specs.indexOf(spec) * 7919) % PATTERN;
      for (let at = 0; at < data.length; ) {
        const from = at === 0 ? start : 0;
        const count = Math.min(PATTERN - from, data.length - at);
        data.set(source.subarray(from, from + count), at);
        at += count;
      }
      writeSync(fd, new Uint8Array(data.buffer));
    });
    closeSync(fd);
  });
  writeFileSync(
    join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: weightMap }),
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...toHfConfig(config), torch_dtype: 'bfloat16' }));
}

async function lastLogits(
  backend: 'wasm' | 'cpu',
): Promise<{ logits: Float32Array; stored: number; tensor: number }> {
  const model = await loadModel(dir, { backend, dtype: 'f32' });
  try {
    const memory = model.memory();
    const logits = model.forward(INPUT);
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    return { logits: data, stored: memory.storedBytes, tensor: memory.tensorBytes };
  } finally {
    model.dispose();
  }
}

describe('a model over 4 GiB of float32 weights', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads on the default engine (weights outside the wasm heap) and matches the cpu backend within 1e-4', async () => {
    writeBf16Checkpoint();
    const wasm = await lastLogits('wasm');
    expect(wasm.stored).toBeGreaterThan(4 * 2 ** 30);
    expect(wasm.tensor).toBeLessThan(1e6); // norms only
    const cpu = await lastLogits('cpu');
    expect(cpu.tensor).toBeGreaterThan(4 * 2 ** 30);
    expect(wasm.logits.length).toBe(INPUT[0]!.length * config.vocabSize);
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < cpu.logits.length; i++) {
      worst = Math.max(worst, Math.abs(wasm.logits[i]! - cpu.logits[i]!));
      scale = Math.max(scale, Math.abs(cpu.logits[i]!));
    }
    console.log(
      `[large model] max |Δ logits| wasm vs cpu ${worst.toExponential(2)} (max |logit| ${scale.toFixed(3)})`,
    );
    expect(scale).toBeGreaterThan(0.1);
    expect(worst).toBeLessThan(1e-4);
  }, 900_000);
});
