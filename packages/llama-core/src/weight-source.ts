import type { WeightFormat } from '@lawgpt/engine';
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
