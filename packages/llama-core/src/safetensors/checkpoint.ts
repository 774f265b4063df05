import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsError } from '../errors.js';
import type { SafetensorsTensorInfo } from './header.js';
import { type Float32TensorData, SafetensorsFile } from './reader.js';

/** Name of the sharded-checkpoint index file. */
export const INDEX_FILE = 'model.safetensors.index.json';
/** Name of a single-file checkpoint. */
export const SINGLE_FILE = 'model.safetensors';

/**
 * A Hugging Face checkpoint folder: `model.safetensors`, or shards listed by
 * `model.safetensors.index.json`. Tensors are read one at a time.
 */
export class SafetensorsCheckpoint {
  private constructor(
    /** The folder. */
    readonly dir: string,
    private readonly files: SafetensorsFile[],
    private readonly owner: Map<string, SafetensorsFile>,
  ) {}

  /** Open a checkpoint folder, validating the index (files exist, tensors are where it says). */
  static async open(dir: string): Promise<SafetensorsCheckpoint> {
    const indexPath = join(dir, INDEX_FILE);
    if (existsSync(indexPath)) return SafetensorsCheckpoint.openSharded(dir, indexPath);
    const single = join(dir, SINGLE_FILE);
    if (!existsSync(single)) {
      throw new SafetensorsError(dir, `neither ${SINGLE_FILE} nor ${INDEX_FILE} found`);
    }
    const file = await SafetensorsFile.open(single);
    return new SafetensorsCheckpoint(dir, [file], new Map(file.names.map((name) => [name, file])));
  }

  private static async openSharded(dir: string, indexPath: string): Promise<SafetensorsCheckpoint> {
    const weightMap = await readIndex(indexPath);
    const files = new Map<string, SafetensorsFile>();
    const owner = new Map<string, SafetensorsFile>();
    try {
      for (const [tensor, fileName] of Object.entries(weightMap)) {
        let file = files.get(fileName);
        if (!file) {
          file = await SafetensorsFile.open(join(dir, fileName));
          files.set(fileName, file);
        }
        if (!file.info(tensor)) {
          throw new SafetensorsError(
            indexPath,
            `weight_map says "${fileName}" but that file does not hold it`,
            tensor,
          );
        }
        owner.set(tensor, file);
      }
      for (const file of files.values()) {
        const stray = file.names.find((name) => !owner.has(name));
        if (stray)
          throw new SafetensorsError(indexPath, `tensor in ${file.path} is missing from weight_map`, stray);
      }
    } catch (error) {
      for (const file of files.values()) await file.close();
      throw error;
    }
    return new SafetensorsCheckpoint(dir, [...files.values()], owner);
  }

  /** All tensor names. */
  get names(): string[] {
    return [...this.owner.keys()];
  }

  /** Header entry of a tensor and the file holding it. */
  info(name: string): (SafetensorsTensorInfo & { path: string }) | undefined {
    const file = this.owner.get(name);
    const info = file?.info(name);
    return file && info ? { ...info, path: file.path } : undefined;
  }

  /** Read one tensor as float32. */
  async read(name: string): Promise<Float32TensorData> {
    const file = this.owner.get(name);
    if (!file) throw new SafetensorsError(this.dir, 'no such tensor in the checkpoint', name);
    return file.read(name);
  }

  /** Raw bytes of a tensor's data from `offset` (see {@link SafetensorsFile.readBytes}). */
  async readBytes(name: string, offset: number, dst: Uint8Array): Promise<void> {
    const file = this.owner.get(name);
    if (!file) throw new SafetensorsError(this.dir, 'no such tensor in the checkpoint', name);
    await file.readBytes(name, offset, dst);
  }

  /** Close every file. */
  async close(): Promise<void> {
    for (const file of this.files) await file.close();
  }
}

async function readIndex(indexPath: string): Promise<Record<string, string>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (error) {
    throw new SafetensorsError(indexPath, `not valid JSON (${(error as Error).message})`);
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new SafetensorsError(indexPath, 'field "weight_map" must be an object {tensor: file}');
  }
  for (const [tensor, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string' || file.includes('/') || file.includes('\\') || file === '..') {
      throw new SafetensorsError(
        indexPath,
        `field "weight_map" entry must be a file name in the folder, got ${JSON.stringify(file)}`,
        tensor,
      );
    }
  }
  return weightMap as Record<string, string>;
}
