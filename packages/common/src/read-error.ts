/** Why a file could not be read, in words that fit after its path. */
export interface ReadErrorReason {
  /** Node's error code (`ENOENT`, `EISDIR`, `EACCES`…), when there is one. */
  code: string | undefined;
  /** `is a folder`, `does not exist`, or `cannot be read (<code or message>)`. */
  reason: string;
}

/**
 * Describe a failed read for an error message that names the path itself (Node's own message for a folder,
 * `EISDIR: illegal operation on a directory, read`, names none). Each package wraps it in its own error type.
 */
export function describeReadError(error: unknown): ReadErrorReason {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'EISDIR'
      ? 'is a folder'
      : code === 'ENOENT'
        ? 'does not exist'
        : `cannot be read (${code ?? (error as Error)?.message ?? String(error)})`;
  return { code, reason };
}
