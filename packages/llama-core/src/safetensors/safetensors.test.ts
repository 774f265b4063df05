import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { readGolden } from '@lawgpt/test-helpers/golden';
import { describe, expect, it } from 'vitest';
import { SafetensorsError } from '../errors.js';
import { SafetensorsCheckpoint } from './checkpoint.js';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './dtype.js';
import { readSafetensors } from './reader.js';
import { writeCheckpoint, writeSafetensors } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'lawgpt-st-'));

/** A raw safetensors file from a header object and a data length. */
function rawFile(name: string, header: unknown, dataBytes: number, lengthOverride?: bigint): string {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, json, new Uint8Array(dataBytes)]));
  return path;
}

describe('dtype conversion', () => {
  it('bf16 rounds to nearest even and widens exactly', () => {
    const values = Float32Array.from([1, 1.00390625, 1.01171875, -2.5, Math.PI, 1e-40, Infinity]);
    const back = bf16ToF32(f32ToBf16(values));
    expect(Array.from(back)).toEqual([
      1,
      1,
      1.015625,
      -2.5,
      3.140625,
      bf16ToF32(f32ToBf16(Float32Array.of(1e-40)))[0],
      Infinity,
    ]);
    expect(Number.isNaN(bf16ToF32(f32ToBf16(Float32Array.of(Number.NaN)))[0])).toBe(true);
  });

  it('f16 round-trips representable values and rounds the rest', () => {
    const values = Float32Array.from([0, -0, 1, -2, 0.5, 65504, 6.103515625e-5, 2 ** -24, 1 / 3, 70000]);
    const back = Array.from(f16ToF32(f32ToF16(values)));
    expect(back.slice(0, 8)).toEqual([0, -0, 1, -2, 0.5, 65504, 6.103515625e-5, 2 ** -24]);
    expect(back[8]).toBeCloseTo(0.33325195, 7);
    expect(back[9]).toBe(Infinity);
  });
});

describe('safetensors write and read', () => {
  it('round-trips F32, F16 and BF16 with header padding to 8 bytes', async () => {
    const a = Float32Array.from({ length: 6 }, (_, i) => i * 0.25 - 1);
    const b = Float32Array.from([3.5]);
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const path = join(dir, `round-${dtype}.safetensors`);
      await writeSafetensors(
        path,
        [
          { name: 'a', shape: [2, 3], data: a },
          { name: 'b', shape: [], data: () => b },
        ],
        { dtype },
      );
      const bytes = readFileSync(path);
      expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0);
      const { metadata, tensors } = await readSafetensors(path);
      expect(metadata).toEqual({ format: 'pt' });
      expect(tensors.get('a')!.shape).toEqual([2, 3]);
      expect(tensors.get('a')!.dtype).toBe(dtype);
      expect(Array.from(tensors.get('a')!.data)).toEqual(Array.from(a));
      expect(Array.from(tensors.get('b')!.data)).toEqual([3.5]);
    }
  });

  it('rejects malformed files with errors naming the file, field and tensor', async () => {
    const good = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const cases: [string, () => string, RegExp][] = [
      [
        'short',
        () => {
          writeFileSync(join(dir, 'short'), new Uint8Array(5));
          return join(dir, 'short');
        },
        /shorter than the 8-byte/,
      ],
      ['truncated', () => rawFile('trunc', good, 8, 10_000n), /past the end of the file/],
      ['huge header', () => rawFile('huge', good, 8, 1n << 40n), /exceeds/],
      ['bad json', () => rawFile('badjson', '{', 0), /not valid UTF-8 JSON|must be a JSON object/],
      [
        'dtype',
        () => rawFile('dtype', { t: { dtype: 'F17', shape: [2], data_offsets: [0, 8] } }, 8),
        /tensor "t".*dtype/,
      ],
      [
        'shape',
        () => rawFile('shape', { t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8),
        /needs 12/,
      ],
      [
        'negative',
        () => rawFile('neg', { t: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, 8),
        /shape/,
      ],
      [
        'range',
        () => rawFile('range', { t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8),
        /past the data section/,
      ],
      [
        'overlap',
        () =>
          rawFile(
            'overlap',
            {
              a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
              b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
            },
            8,
          ),
        /overlap/,
      ],
      ['hole', () => rawFile('hole', { t: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /hole/],
      ['trailing', () => rawFile('trailing', good, 12), /cover only 8/],
      ['metadata', () => rawFile('meta', { __metadata__: { a: 1 }, ...good }, 8), /__metadata__\.a/],
    ];
    for (const [label, make, message] of cases) {
      const path = make();
      const error = await readSafetensors(path).catch((caught: unknown) => caught);
      expect(error, label).toBeInstanceOf(SafetensorsError);
      expect((error as Error).message, label).toMatch(message);
      expect((error as SafetensorsError).path, label).toBe(path);
    }
    const unsupported = rawFile('i32', { t: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, 8);
    await expect(readSafetensors(unsupported)).rejects.toThrow(/I32 cannot be read as float/);
  });

  it('shards at tensor boundaries under maxShardSize, with an index that reads back', async () => {
    const tensors = [0, 1, 2, 3, 4].map((i) => ({
      name: `w${i}`,
      shape: [4, 4],
      data: new Float32Array(16).fill(i),
    }));
    const out = join(dir, 'sharded');
    const files = await writeCheckpoint(out, tensors, { maxShardSize: 150 });
    expect(files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
    ]);
    const index = JSON.parse(readFileSync(join(out, 'model.safetensors.index.json'), 'utf8'));
    expect(index.metadata.total_size).toBe(5 * 64);
    const checkpoint = await SafetensorsCheckpoint.open(out);
    expect(checkpoint.names.sort()).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    expect(Array.from((await checkpoint.read('w3')).data)).toEqual(new Array(16).fill(3));
    await checkpoint.close();
    expect((await readdir(out)).some((name) => name.includes('.tmp'))).toBe(false);

    index.weight_map.w3 = 'model-00001-of-00003.safetensors';
    writeFileSync(join(out, 'model.safetensors.index.json'), JSON.stringify(index));
    await expect(SafetensorsCheckpoint.open(out)).rejects.toThrow(/tensor "w3": weight_map says/);
  });
});

describeWithShared('bf16 fixture checksums', ['fixtures/models/s2/model-bf16'], () => {
  it('widens every BF16 tensor exactly (sum and sum |x| within 1e-9 relative)', async () => {
    const golden = readGolden(sharedPath('fixtures/models/s2/golden.json')).bf16!.tensor_checksums;
    const { tensors } = await readSafetensors(sharedPath('fixtures/models/s2/model-bf16/model.safetensors'));
    expect([...tensors.keys()].sort()).toEqual(Object.keys(golden).sort());
    for (const [name, { sum, sum_abs: sumAbs }] of Object.entries(golden)) {
      const { data, dtype } = tensors.get(name)!;
      expect(dtype).toBe('BF16');
      let ours = 0;
      let oursAbs = 0;
      for (const value of data) {
        ours += value;
        oursAbs += Math.abs(value);
      }
      expect(Math.abs(ours - sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(sum)));
      expect(Math.abs(oursAbs - sumAbs) / sumAbs).toBeLessThan(1e-9);
    }
  });
});
