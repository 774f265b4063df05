import { bytesPerValue, rowBytes, type WeightFormat } from '@lawgpt/engine';
import {
  type CheckpointTensor,
  checkpointTensors,
  gatherRows,
  type TensorPart,
} from './checkpoint-layout.js';
import type { LlamaConfig } from './config.js';
import { SafetensorsError } from './errors.js';
import type { SafetensorsCheckpoint } from './safetensors/checkpoint.js';

/** One tensor of a checkpoint as the loader sees it. */
export interface SourceTensor {
  /** HF name. */
  name: string;
  /** HF shape (`[out, in]` for linear weights). */
  shape: number[];
  /** How the file stores it. */
  format: WeightFormat;
  /** The file holding it (named in errors). */
  path: string;
}

/** Where a model's weights come from: a safetensors checkpoint or a GGUF file, read tensor by tensor. */
export interface WeightSource {
  /** The folder or file. */
  readonly path: string;
  /** Every tensor name the source holds (HF names). */
  readonly names: string[];
  tensor(name: string): SourceTensor | undefined;
  /** Raw stored bytes of a tensor from byte `offset` into `dst`. */
  readBytes(name: string, offset: number, dst: Uint8Array): Promise<void>;
  /** A float tensor widened to float32 (F32 / F16 / BF16 sources). */
  readValues(name: string): Promise<Float32Array>;
  /** Destination row r takes source row `sourceRow(r)`, within blocks of `rowBlock` rows (GGUF q/k order). */
  rowOrder?(name: string): { sourceRow: (row: number) => number; rowBlock: number } | undefined;
  close(): Promise<void>;
}

const SAFETENSORS_FORMATS: Readonly<Record<string, WeightFormat>> = { F32: 'f32', F16: 'f16', BF16: 'bf16' };

/** A Hugging Face safetensors checkpoint as a {@link WeightSource}. */
export function safetensorsSource(checkpoint: SafetensorsCheckpoint): WeightSource {
  return {
    path: checkpoint.dir,
    get names() {
      return checkpoint.names;
    },
    tensor(name) {
      const info = checkpoint.info(name);
      if (!info) return undefined;
      const format = SAFETENSORS_FORMATS[info.dtype];
      if (!format) {
        throw new SafetensorsError(
          info.path,
          `dtype ${info.dtype} is not a weight dtype (F32, F16, BF16)`,
          name,
        );
      }
      return { name, shape: [...info.shape], format, path: info.path };
    },
    readBytes: (name, offset, dst) => checkpoint.readBytes(name, offset, dst),
    readValues: async (name) => (await checkpoint.read(name)).data,
    close: () => checkpoint.close(),
  };
}

/**
 * A checkpoint in its family's names and layout (InternLM2: `tok_embeddings`, packed `wqkv`, …; see
 * `checkpointTensors`) as a {@link WeightSource} under the model's LLaMA names. Packed tensors are unpacked by row
 * ranges: `readBytes` reads a parameter's rows straight from their places in the file (so engine-held weights
 * stream as usual), `readValues` gathers them. Families stored under LLaMA names are returned as they are.
 */
export function layoutSource(source: WeightSource, config: LlamaConfig): WeightSource {
  const tensors = checkpointTensors(config);
  if (tensors.every((tensor) => tensor.name === tensor.parts[0]!.parameter)) return source;
  const byParameter = new Map<string, { tensor: CheckpointTensor; part: TensorPart }>();
  for (const tensor of tensors)
    for (const part of tensor.parts) byParameter.set(part.parameter, { tensor, part });
  const located = (name: string) => {
    const found = byParameter.get(name);
    if (!found) throw new SafetensorsError(source.path, 'is not a parameter of this model', name);
    return found;
  };
  return {
    path: source.path,
    names: [...byParameter.keys()].filter((name) => source.tensor(byParameter.get(name)!.tensor.name)),
    tensor(name) {
      const found = byParameter.get(name);
      const info = found && source.tensor(found.tensor.name);
      if (!found || !info) return undefined;
      const rows = found.part.ranges.reduce((sum, [, count]) => sum + count, 0);
      const shape = info.shape.length === 1 ? [rows] : [rows, ...info.shape.slice(1)];
      return { ...info, name, shape };
    },
    async readBytes(name, offset, dst) {
      const { tensor, part } = located(name);
      const info = source.tensor(tensor.name)!;
      const width =
        info.shape.length === 1 ? bytesPerValue(info.format) : rowBytes(info.format, info.shape[1]!);
      let row = offset / width; // parameter row
      let written = 0;
      let start = 0; // parameter row where the current range starts
      for (const [first, count] of part.ranges) {
        const end = start + count;
        if (row < end && written < dst.length) {
          const rows = Math.min(end - row, (dst.length - written) / width);
          const target = dst.subarray(written, written + rows * width);
          await source.readBytes(tensor.name, (first + row - start) * width, target);
          written += rows * width;
          row += rows;
        }
        start = end;
      }
    },
    async readValues(name) {
      const { tensor, part } = located(name);
      const values = await source.readValues(tensor.name);
      if (tensor.parts.length === 1) return values;
      return gatherRows(values, tensor.shape[1] ?? 1, part.ranges);
    },
    close: () => source.close(),
  };
}
