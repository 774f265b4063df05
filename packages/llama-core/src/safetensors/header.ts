import { SafetensorsError } from '../errors.js';
import { DTYPE_BYTES } from './dtype.js';

/** One tensor's entry in a safetensors header. */
export interface SafetensorsTensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** Length of the JSON header in bytes (the 8-byte prefix value). */
  headerLength: number;
  metadata: Record<string, string>;
  tensors: SafetensorsTensorInfo[];
}

/** Largest header accepted (the reference library uses 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Validate the 8-byte length prefix against the file size. Returns the header length N
 * (the JSON occupies bytes [8, 8 + N)).
 */
export function parseHeaderLength(prefix: Uint8Array, fileSize: number, path: string): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new SafetensorsError(path, `file is ${fileSize} bytes, shorter than the 8-byte header length`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(path, `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const headerLength = Number(length);
  if (headerLength < 2)
    throw new SafetensorsError(path, `header length ${headerLength} is too small for JSON`);
  if (8 + headerLength > fileSize) {
    throw new SafetensorsError(
      path,
      `header length ${headerLength} runs past the end of the file (${fileSize} bytes): truncated file?`,
    );
  }
  return headerLength;
}

/**
 * Parse and validate the JSON header: dtypes known, shapes non-negative integers, each byte range
 * equal to `prod(shape) * bytes(dtype)`, inside the data section, not overlapping, and covering
 * it without holes.
 */
export function parseHeaderJson(
  bytes: Uint8Array,
  dataSize: number,
  path: string,
  headerLength: number = bytes.length,
): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new SafetensorsError(path, `header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SafetensorsError(path, 'header must be a JSON object');
  }
  const metadata: Record<string, string> = {};
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      Object.assign(metadata, parseMetadata(entry, path));
      continue;
    }
    tensors.push(parseTensorEntry(name, entry, dataSize, path));
  }
  checkCoverage(tensors, dataSize, path);
  return { headerLength, metadata, tensors };
}

function parseMetadata(entry: unknown, path: string): Record<string, string> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SafetensorsError(path, '"__metadata__" must be an object of strings');
  }
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(path, `"__metadata__.${key}" must be a string, got ${typeof value}`);
    }
  }
  return entry as Record<string, string>;
}

function parseTensorEntry(
  name: string,
  entry: unknown,
  dataSize: number,
  path: string,
): SafetensorsTensorInfo {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SafetensorsError(path, 'entry must be an object {dtype, shape, data_offsets}', name);
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    throw new SafetensorsError(
      path,
      `field "dtype" is ${JSON.stringify(dtype)}, not a safetensors dtype`,
      name,
    );
  }
  if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new SafetensorsError(
      path,
      `field "shape" must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
      name,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw new SafetensorsError(
      path,
      `field "data_offsets" must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`,
      name,
    );
  }
  const [begin, end] = offsets as [number, number];
  const elements = (shape as number[]).reduce((product, size) => product * size, 1);
  const expected = elements * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    throw new SafetensorsError(
      path,
      `data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${expected}`,
      name,
    );
  }
  if (end > dataSize) {
    throw new SafetensorsError(
      path,
      `data_offsets end ${end} is past the data section (${dataSize} bytes): truncated file?`,
      name,
    );
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

function checkCoverage(tensors: SafetensorsTensorInfo[], dataSize: number, path: string): void {
  const sorted = [...tensors].sort(
    (a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  let position = 0;
  let previous: string | undefined;
  for (const tensor of sorted) {
    const [begin, end] = tensor.dataOffsets;
    if (begin < position) {
      throw new SafetensorsError(
        path,
        `data_offsets [${begin}, ${end}] overlap tensor "${previous}" (ends at ${position})`,
        tensor.name,
      );
    }
    if (begin > position) {
      throw new SafetensorsError(
        path,
        `hole in the data section: bytes [${position}, ${begin}) belong to no tensor`,
        tensor.name,
      );
    }
    position = end;
    previous = tensor.name;
  }
  if (position !== dataSize) {
    throw new SafetensorsError(
      path,
      `data section is ${dataSize} bytes but the tensors cover only ${position}`,
    );
  }
}
