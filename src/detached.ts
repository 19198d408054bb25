// Strings kept for long (map keys, summary rows) from text that is read in large chunks.

/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 keeps a substring
 * (and a concatenation of substrings) as a view of its parent, so one kept address would pin the
 * whole 64 KiB chunk of log it was read from (measured: +130 MiB RSS over a 200 MiB log).
 * Slicing a fresh concatenation makes V8 flatten it into new memory first.
 */
export function detached(text: string): string {
  return ` ${text}`.slice(1);
}

/** detached() for a nullable field. */
export function detachedOrNull(text: string | null): string | null {
  return text === null ? null : detached(text);
}
