/** Base class of every error this package throws. */
export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

/** A tokenizer file that cannot be read: truncated, corrupt, or not the expected format. */
export class TokenizerFileError extends TokenizerError {
  override name = 'TokenizerFileError';
  /** The file that was being read. */
  readonly path: string;
  /** What was wrong with it. */
  readonly problem: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(`${path}: ${problem}`, options);
    this.path = path;
    this.problem = problem;
  }
}

/** A model whose contents are inconsistent: unknown model type, missing `<unk>` or byte pieces, duplicates. */
export class TokenizerModelError extends TokenizerError {
  override name = 'TokenizerModelError';
  /** The file the model came from (or `<memory>`). */
  readonly path: string;
  /** The field that is wrong, e.g. `trainer_spec.model_type` or `pieces`. */
  readonly field: string;
  /** What was expected. */
  readonly expected: string;
  /** What was found. */
  readonly actual: string;
  constructor(options: { path: string; field: string; expected: string; actual: string }) {
    super(`${options.path}: ${options.field} is ${options.actual}, expected ${options.expected}`);
    this.path = options.path;
    this.field = options.field;
    this.expected = options.expected;
    this.actual = options.actual;
  }
}

/** A call argument that is out of range, e.g. an id beyond the vocabulary. */
export class TokenizerInputError extends TokenizerError {
  override name = 'TokenizerInputError';
  /** The argument or field that is wrong. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** A training corpus line that cannot be parsed (e.g. malformed JSONL). */
export class CorpusError extends TokenizerError {
  override name = 'CorpusError';
  readonly path: string;
  readonly line: number;
  constructor(path: string, line: number, problem: string) {
    super(`${path}:${line}: ${problem}`);
    this.path = path;
    this.line = line;
  }
}

/** A required system command (e.g. `spm_train`) is missing or failed. */
export class CommandError extends TokenizerError {
  override name = 'CommandError';
  /** The command, e.g. `spm_train`. */
  readonly command: string;
  /** Its exit code, when it ran. */
  readonly exitCode?: number;
  constructor(command: string, message: string, exitCode?: number) {
    super(message);
    this.command = command;
    this.exitCode = exitCode;
  }
}

/** An optional peer dependency (the `tokenizers` binding) that is not installed or does not load. */
export class TokenizerDependencyError extends TokenizerError {
  override name = 'TokenizerDependencyError';
  /** The npm package, e.g. `tokenizers`. */
  readonly dependency: string;
  constructor(dependency: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.dependency = dependency;
  }
}
