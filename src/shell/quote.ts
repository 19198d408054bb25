// The only way user data reaches a remote shell: as a single-quoted literal.

/** Quote a value for POSIX sh so that it is exactly one word with exactly this text. */
export function shQuote(value: string): string {
  if (value.includes("\0")) throw new Error("a NUL byte cannot be passed to a shell");
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A shell command line: a function name followed by quoted arguments. */
export function call(fn: string, ...args: (string | number)[]): string {
  return [fn, ...args.map((a) => shQuote(String(a)))].join(" ");
}
