// Quoting for the generated scripts: every word a script carries comes from the command tree.

/** A POSIX shell single-quoted word (bash, zsh). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A fish single-quoted word: fish escapes \ and ' inside single quotes. */
export function fishQuote(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
