// Type guards for values from users (option values, JSON files): they narrow without `as`.

/** True when `value` is one of `list`; narrows it to the list's type. */
export function isOneOf<T extends string>(value: unknown, list: readonly T[]): value is T {
  return list.some((entry) => entry === value);
}

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
