/** Base class of every error thrown by `@lawgpt/data-gen`. */
export class DataGenError extends Error {
  override name = 'DataGenError';
}

/** A file (statute Markdown, JSONL, seed tasks, charge list) could not be parsed. */
export class DataGenParseError extends DataGenError {
  override name = 'DataGenParseError';
  /** File the bad input came from (or `<string>` for in-memory text). */
  readonly path: string;
  /** 1-based line number, when known. */
  readonly line: number | undefined;
  /** Field that was missing or malformed, when known. */
  readonly field: string | undefined;
  constructor(options: { path: string; line?: number; field?: string; message: string }) {
    const where = options.line !== undefined ? `${options.path}:${options.line}` : options.path;
    super(`${where}: ${options.field ? `field "${options.field}": ` : ''}${options.message}`);
    this.path = options.path;
    this.line = options.line;
    this.field = options.field;
  }
}

/** A file or folder is missing, unreadable, a folder where a file should be, or holds nothing usable. */
export class DataGenFileError extends DataGenError {
  override name = 'DataGenFileError';
  /** The file or folder. */
  readonly path: string;
  /** Node's error code (`ENOENT`, `EISDIR`, …) when the file system refused; `EMPTY` when it held nothing. */
  readonly code: string | undefined;
  constructor(options: { path: string; code?: string; message: string }) {
    super(`${options.path}: ${options.message}`);
    this.path = options.path;
    this.code = options.code;
  }
}

/** An option value is outside what the function accepts. */
export class DataGenOptionError extends DataGenError {
  override name = 'DataGenOptionError';
  readonly field: string;
  readonly expected: string;
  readonly actual: unknown;
  constructor(options: { field: string; expected: string; actual: unknown }) {
    super(`option "${options.field}": expected ${options.expected}, got ${JSON.stringify(options.actual)}`);
    this.field = options.field;
    this.expected = options.expected;
    this.actual = options.actual;
  }
}

/** A lookup in the knowledge base found nothing. */
export class DataGenLookupError extends DataGenError {
  override name = 'DataGenLookupError';
  readonly field: string;
  readonly actual: unknown;
  constructor(options: { field: string; actual: unknown; message: string }) {
    super(options.message);
    this.field = options.field;
    this.actual = options.actual;
  }
}

/** The teacher endpoint answered with an error status (after all retries for retryable ones). */
export class TeacherHttpError extends DataGenError {
  override name = 'TeacherHttpError';
  readonly url: string;
  readonly status: number;
  readonly body: string;
  readonly attempts: number;
  constructor(options: { url: string; status: number; body: string; attempts: number }) {
    super(
      `teacher ${options.url} answered HTTP ${options.status} after ${options.attempts} attempt(s): ${options.body.slice(0, 200)}`,
    );
    this.url = options.url;
    this.status = options.status;
    this.body = options.body;
    this.attempts = options.attempts;
  }
}

/** The teacher endpoint did not answer within the timeout, or could not be reached, after all retries. */
export class TeacherUnreachableError extends DataGenError {
  override name = 'TeacherUnreachableError';
  readonly url: string;
  readonly attempts: number;
  /** `timeout` when the per-request timeout elapsed, `network` for connection failures. */
  readonly reason: 'timeout' | 'network';
  constructor(options: { url: string; attempts: number; reason: 'timeout' | 'network'; detail: string }) {
    super(
      `teacher ${options.url} ${options.reason === 'timeout' ? 'timed out' : 'unreachable'} after ${options.attempts} attempt(s): ${options.detail}`,
    );
    this.url = options.url;
    this.attempts = options.attempts;
    this.reason = options.reason;
  }
}

/** The teacher answered 2xx but the body is not an OpenAI chat-completions response. */
export class TeacherResponseError extends DataGenError {
  override name = 'TeacherResponseError';
  readonly url: string;
  readonly field: string;
  constructor(options: { url: string; field: string; body: string }) {
    super(`teacher ${options.url} response lacks "${options.field}": ${options.body.slice(0, 200)}`);
    this.url = options.url;
    this.field = options.field;
  }
}

/** A long job stopped because its `signal` was aborted; what was written so far is kept and resumable. */
export class DataGenAbortError extends DataGenError {
  override name = 'AbortError';
}
