/** Base class of every error thrown by @lawgpt/llama-core. */
export class LlamaError extends Error {
  override name = 'LlamaError';
}

/** A `config.json` field is missing, has the wrong type or an unsupported value. */
export class ConfigError extends LlamaError {
  override name = 'ConfigError';
  constructor(
    /** File the config came from, when known. */
    readonly path: string | undefined,
    /** The offending field, e.g. `rope_scaling.type`. */
    readonly field: string,
    /** What was expected. */
    readonly expected: string,
    /** What was found. */
    readonly actual: unknown,
  ) {
    super(`${path ?? 'config'}: field "${field}" must be ${expected}, got ${describeValue(actual)}`);
  }
}

/** A safetensors file or index is malformed (truncated, bad header, bad offsets, unknown dtype). */
export class SafetensorsError extends LlamaError {
  override name = 'SafetensorsError';
  constructor(
    /** The file. */
    readonly path: string,
    /** What is wrong, naming the header field or tensor. */
    readonly detail: string,
    /** The tensor concerned, when there is one. */
    readonly tensor?: string,
  ) {
    super(`${path}: ${tensor ? `tensor "${tensor}": ` : ''}${detail}`);
  }
}

/** A checkpoint's tensor is missing, unexpected or has the wrong shape for the config. */
export class WeightError extends LlamaError {
  override name = 'WeightError';
  constructor(
    /** HF tensor name, e.g. `model.layers.0.self_attn.q_proj.weight`. */
    readonly tensor: string,
    /** Expected shape (or `"present"` / `"absent"`). */
    readonly expected: string,
    /** Actual shape (or `"missing"` / `"unexpected"`). */
    readonly actual: string,
    /** Where it was looked for. */
    readonly path?: string,
  ) {
    super(`${path ? `${path}: ` : ''}tensor "${tensor}" expected ${expected}, got ${actual}`);
  }
}

/** Bad arguments to forward/generate/loss (shapes, ids out of range, conflicting options). */
export class InputError extends LlamaError {
  override name = 'InputError';
  constructor(
    /** The argument or option at fault, e.g. `inputIds[1]`. */
    readonly field: string,
    /** What was expected. */
    readonly expected: string,
    /** What was found. */
    readonly actual: unknown,
  ) {
    super(`${field} must be ${expected}, got ${describeValue(actual)}`);
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

/** A GGUF file is malformed (bad magic, unsupported version, truncated, unknown type, bad offsets) or cannot be written. */
export class GgufError extends LlamaError {
  override name = 'GgufError';
  constructor(
    /** The file. */
    readonly path: string,
    /** What is wrong and what was expected. */
    readonly detail: string,
    /** Where in the file: the header field or metadata key, e.g. `metadata["llama.block_count"]`. */
    readonly field?: string,
    /** The tensor concerned, when there is one. */
    readonly tensor?: string,
  ) {
    super(`${path}: ${tensor ? `tensor "${tensor}": ` : ''}${field ? `${field}: ` : ''}${detail}`);
  }
}

/** A JSONL file of prompts cannot be read, or one of its lines is not a usable `{"id"?, "prompt"}` record. */
export class PromptFileError extends LlamaError {
  override name = 'PromptFileError';
  constructor(
    /** The file. */
    readonly path: string,
    /** 1-based line number; `undefined` when the file itself could not be read. */
    readonly line: number | undefined,
    /** What is wrong, e.g. `field "prompt" must be a string`. */
    readonly detail: string,
    /** The record field at fault (`prompt`, `id`), when there is one. */
    readonly field?: string,
  ) {
    super(`${path}${line === undefined ? '' : `:${line}`}: ${detail}`);
  }
}

/** A model does not fit in memory in the asked-for format; raised before anything is allocated. */
export class MemoryError extends LlamaError {
  override name = 'MemoryError';
  constructor(
    /** Bytes the model needs (weights as they would be held, plus working memory). */
    readonly needed: number,
    /** Bytes the system has available now. */
    readonly available: number,
    /** A smaller weight format that would fit, when there is one. */
    readonly suggestion: string | undefined,
    /** What was being loaded. */
    readonly path: string,
  ) {
    const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
    super(
      `${path}: the model needs ${gib(needed)} (${needed} bytes) but ${gib(available)} are available; ${
        suggestion ? `load it with dtype "${suggestion}"` : 'no smaller weight format fits'
      }`,
    );
  }
}
