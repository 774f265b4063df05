import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GgufError } from '../errors.js';
import { f16ToF32, f32ToF16 } from '../safetensors/dtype.js';
import { GgufFile } from './gguf-reader.js';
import type { GgufValue } from './gguf-types.js';
import { type GgufTensorSource, writeGguf } from './gguf-writer.js';

const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-gguf-'));

function ramp(count: number, scale = 0.37): Float32Array {
  return Float32Array.from({ length: count }, (_, index) =>
    Math.fround(Math.sin(index * scale) * (index + 1)),
  );
}

const metadata: [string, GgufValue][] = [
  ['general.architecture', { type: 'string', value: 'llama' }],
  ['test.u8', { type: 'u8', value: 255 }],
  ['test.i8', { type: 'i8', value: -128 }],
  ['test.u16', { type: 'u16', value: 65535 }],
  ['test.i16', { type: 'i16', value: -32768 }],
  ['test.u32', { type: 'u32', value: 0xffffffff }],
  ['test.i32', { type: 'i32', value: -0x80000000 }],
  ['test.f32', { type: 'f32', value: Math.fround(1e-5) }],
  ['test.bool', { type: 'bool', value: true }],
  ['test.string', { type: 'string', value: '中华人民共和国民法典 ▁<0x0A>' }],
  ['test.u64', { type: 'u64', value: (1n << 64n) - 1n }],
  ['test.i64', { type: 'i64', value: -(1n << 63n) }],
  ['test.f64', { type: 'f64', value: Math.PI }],
  ['test.empty', { type: 'array', itemType: 'f32', items: [] }],
  ['test.strings', { type: 'array', itemType: 'string', items: ['<unk>', '', '▁法', '\uFEFFbom'] }],
  ['test.i32s', { type: 'array', itemType: 'i32', items: [1, -2, 3] }],
  ['test.bools', { type: 'array', itemType: 'bool', items: [false, true] }],
  ['test.u64s', { type: 'array', itemType: 'u64', items: [0n, 1n << 40n] }],
  [
    'test.nested',
    {
      type: 'array',
      itemType: 'array',
      items: [
        { type: 'array', itemType: 'u8', items: [1, 2] },
        { type: 'array', itemType: 'string', items: ['x'] },
      ],
    },
  ],
];

const tensors: GgufTensorSource[] = [
  { name: 'a.weight', shape: [3, 5], type: 'F32', data: () => ramp(15) },
  { name: 'b.weight', shape: [2, 3, 4], type: 'F16', data: async () => ramp(24, 0.11) },
  { name: 'c.norm', shape: [7], type: 'F32', data: () => ramp(7, 1.3) },
];

describe('GGUF writer and reader', () => {
  it('round-trips every metadata type, arrays, shapes and F32/F16 data', async () => {
    const path = join(scratch, 'all.gguf');
    const progress: number[] = [];
    const result = await writeGguf({
      path,
      metadata,
      tensors,
      onProgress: (step) => progress.push(step.tensors),
    });
    expect(progress).toEqual([1, 2, 3]);
    expect(result.bytes).toBe(readFileSync(path).length);
    const file = await GgufFile.open(path);
    try {
      expect(file.version).toBe(3);
      expect(file.header.alignment).toBe(32);
      expect([...file.metadata.keys()]).toEqual(metadata.map(([key]) => key));
      for (const [key, value] of metadata) expect(file.metadata.get(key), key).toEqual(value);
      expect(file.value('test.nested')).toEqual([[1, 2], ['x']]);
      expect(file.tensors.map((tensor) => [tensor.name, tensor.dims, tensor.shape, tensor.typeCode])).toEqual(
        [
          ['a.weight', [5, 3], [3, 5], 0],
          ['b.weight', [4, 3, 2], [2, 3, 4], 1],
          ['c.norm', [7], [7], 0],
        ],
      );
      for (const tensor of file.tensors) expect(tensor.absoluteOffset % 32).toBe(0);
      expect(Array.from((await file.readTensor('a.weight')).data)).toEqual(Array.from(ramp(15)));
      const half = await file.readTensor('b.weight');
      expect(half.type).toBe('F16');
      expect(Array.from(half.data)).toEqual(Array.from(f16ToF32(f32ToF16(ramp(24, 0.11)))));
      expect(Array.from((await file.readTensor('c.norm')).data)).toEqual(Array.from(ramp(7, 1.3)));
    } finally {
      await file.close();
    }
  });

  it('round-trips a header of several MB (a 50k-piece vocabulary grows the header buffer many times)', async () => {
    const path = join(scratch, 'big-header.gguf');
    const pieces = Array.from({ length: 50_000 }, (_, index) => `▁piece法${index}`);
    const scores = Array.from({ length: 50_000 }, (_, index) => -index);
    const ids = Array.from({ length: 50_000 }, (_, index) => BigInt(index) << 20n);
    await writeGguf({
      path,
      metadata: [
        ['tokens', { type: 'array', itemType: 'string', items: pieces }],
        ['scores', { type: 'array', itemType: 'f32', items: scores }],
        ['ids', { type: 'array', itemType: 'u64', items: ids }],
        ['after', { type: 'u8', value: 9 }],
      ],
      tensors: [tensors[2]],
    });
    const file = await GgufFile.open(path);
    expect(file.header.dataOffset).toBeGreaterThan(1 << 20);
    expect(file.value('tokens')).toEqual(pieces);
    expect(file.value('scores')).toEqual(scores);
    expect(file.value('ids')).toEqual(ids);
    expect(file.value('after')).toBe(9);
    expect(Array.from((await file.readTensor('c.norm')).data)).toEqual(Array.from(ramp(7, 1.3)));
    await file.close();
  });

  it('writes the exact GGUF v3 byte layout (header, KV, tensor info, padding, data)', async () => {
    const path = join(scratch, 'layout.gguf');
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    await writeGguf({
      path,
      metadata: [['a', { type: 'u32', value: 7 }]],
      tensors: [{ name: 't', shape: [2, 3], type: 'F32', data: () => values }],
    });
    const u32 = (value: number) => Buffer.from(Uint32Array.of(value).buffer);
    const u64 = (value: number) => Buffer.from(BigUint64Array.of(BigInt(value)).buffer);
    const header = Buffer.concat([
      Buffer.from('GGUF', 'latin1'),
      u32(3),
      u64(1),
      u64(1),
      u64(1),
      Buffer.from('a'),
      u32(4),
      u32(7),
      u64(1),
      Buffer.from('t'),
      u32(2),
      u64(3), // ne[0] = columns (last row-major axis)
      u64(2),
      u32(0),
      u64(0),
    ]);
    const padded = Buffer.concat([header, Buffer.alloc(96 - header.length)]);
    const data = Buffer.concat([Buffer.from(values.buffer), Buffer.alloc(8)]);
    expect(readFileSync(path).equals(Buffer.concat([padded, data]))).toBe(true);
  });

  it('aligns to general.alignment and records it', async () => {
    const path = join(scratch, 'aligned.gguf');
    await writeGguf({ path, metadata: metadata.slice(0, 3), tensors, alignment: 64 });
    const file = await GgufFile.open(path);
    expect(file.value('general.alignment')).toBe(64);
    expect(file.header.dataOffset % 64).toBe(0);
    expect(file.tensors.map((tensor) => tensor.offset % 64)).toEqual([0, 0, 0]);
    expect(Array.from((await file.readTensor('c.norm')).data)).toEqual(Array.from(ramp(7, 1.3)));
    await file.close();
    await expect(writeGguf({ path, metadata: [], tensors, alignment: 48 })).rejects.toThrow(/power of two/);
  });

  it('rejects bad inputs with errors naming the field or tensor, leaving no file', async () => {
    const path = join(scratch, 'bad.gguf');
    const write = (overrides: Partial<Parameters<typeof writeGguf>[0]>) =>
      writeGguf({ path, metadata: [], tensors: [], ...overrides });
    await expect(write({ metadata: [['x', { type: 'u8', value: 256 }]] })).rejects.toThrow(
      /metadata\["x"\].*\[0, 255\]/,
    );
    await expect(
      write({ metadata: [['x', { type: 'u64', value: 5 as unknown as bigint }]] }),
    ).rejects.toThrow(/bigint/);
    await expect(
      write({ metadata: [['x', { type: 'array', itemType: 'string', items: ['a', 3] }]] }),
    ).rejects.toThrow(/metadata\["x"\]\[1\]: must be a string/);
    await expect(
      write({ tensors: [{ name: 'w', shape: [2, 2], type: 'F32', data: () => new Float32Array(3) }] }),
    ).rejects.toThrow(/tensor "w".*4 values/);
    await expect(write({ tensors: [tensors[0], tensors[0]] })).rejects.toThrow(/duplicate tensor name/);
    await expect(write({ tensors: [{ ...tensors[0], name: 'x'.repeat(64) }] })).rejects.toThrow(/63 bytes/);
    const controller = new AbortController();
    const aborting: GgufTensorSource = {
      ...tensors[0],
      data: () => {
        controller.abort();
        return ramp(15);
      },
    };
    await expect(write({ tensors: [aborting, tensors[2]], signal: controller.signal })).rejects.toThrow();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(scratch).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('GGUF reader errors', () => {
  const goodPath = join(scratch, 'good.gguf');
  const corrupt = async (name: string, bytes: Buffer) => {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    return GgufFile.open(path);
  };
  const good = async () => {
    if (!existsSync(goodPath)) await writeGguf({ path: goodPath, metadata, tensors });
    return readFileSync(goodPath);
  };

  it('names bad magic and unsupported versions', async () => {
    const bytes = Buffer.from(await good());
    bytes.write('GGML', 0, 'latin1');
    await expect(corrupt('magic.gguf', bytes)).rejects.toThrow(/magic.gguf: magic: bad magic.*47 47 4d 4c/);
    const version = Buffer.from(await good());
    version.writeUInt32LE(4, 4);
    const error = await corrupt('version.gguf', version).catch((caught) => caught);
    expect(error).toBeInstanceOf(GgufError);
    expect(error).toMatchObject({ field: 'version' });
    expect(error.message).toMatch(/unsupported version 4/);
    await expect(corrupt('tiny.gguf', Buffer.from('GG'))).rejects.toThrow(/magic: truncated file/);
  });

  it('names the field where a truncated file ends', async () => {
    const bytes = await good();
    const file = await GgufFile.open(goodPath);
    const { dataOffset, tensors: infos } = file.header;
    await file.close();
    // Cut inside the metadata, inside the tensor infos, and inside the last tensor's data.
    await expect(corrupt('cut-kv.gguf', bytes.subarray(0, 100))).rejects.toThrow(/truncated file/);
    await expect(corrupt('cut-info.gguf', bytes.subarray(0, dataOffset - 40))).rejects.toThrow(
      /tensor_infos\[\d\]\..*truncated file/,
    );
    await expect(corrupt('cut-data.gguf', bytes.subarray(0, infos[2].absoluteOffset + 10))).rejects.toThrow(
      /tensor "c.norm": offset: offset past end/,
    );
    for (let cut = 0; cut < dataOffset; cut += 37) {
      const error = await corrupt('cut.gguf', bytes.subarray(0, cut)).catch((caught) => caught);
      expect(error, `cut at ${cut}`).toBeInstanceOf(GgufError);
    }
  });

  it('names unknown value types and unreadable tensor types', async () => {
    const bytes = Buffer.from(await good());
    // First KV: key "general.architecture" (8-byte length + 20 bytes) starts at 24; its type code follows.
    const typeAt = 24 + 8 + 'general.architecture'.length;
    expect(bytes.readUInt32LE(typeAt)).toBe(8);
    bytes.writeUInt32LE(13, typeAt);
    await expect(corrupt('type.gguf', bytes)).rejects.toThrow(
      /metadata\["general.architecture"\] \(value type\): unknown value type 13/,
    );
    const quantized = Buffer.from(await good());
    const file = await GgufFile.open(goodPath);
    const { dataOffset } = file.header;
    await file.close();
    // The last tensor info ends with type (u32) and offset (u64) just before the padding.
    const lastInfoEnd = quantized.lastIndexOf(Buffer.from('c.norm')) + 'c.norm'.length + 4 + 8;
    expect(lastInfoEnd).toBeLessThan(dataOffset);
    quantized.writeUInt32LE(21, lastInfoEnd); // a type whose size this package does not know
    const q = await corrupt('iq.gguf', quantized);
    await expect(q.readTensor('c.norm')).rejects.toThrow(
      /tensor "c.norm": type: ggml type 21 is not supported/,
    );
    await q.close();
    quantized.writeUInt32LE(2, lastInfoEnd); // Q4_0 needs rows of whole 32-value blocks; c.norm has 7 values
    await expect(corrupt('q4.gguf', quantized)).rejects.toThrow(
      /Q4_0 rows must be whole blocks of 32 values, got 7/,
    );
  });
});
