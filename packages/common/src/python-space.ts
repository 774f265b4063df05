/**
 * Python's `str.isspace()` set (Unicode White_Space plus the \x1c–\x1f separators; not \ufeff), which is also what
 * Python's `re` matches with `\s` and what `strip()`/`rstrip()`/`split()` remove. A regex character-class body.
 */
export const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
