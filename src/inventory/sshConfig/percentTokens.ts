// `~` and `%` tokens in ssh_config values (ssh_config(5) "TOKENS"), for the keywords we honour.

export type TokenValues = Partial<
  Record<"%" | "d" | "u" | "h" | "r" | "p" | "l" | "L" | "n" | "i" | "k", string>
>;

/** Expand tokens; returns the unknown token letter instead when one is used. */
export function expandTokens(value: string, tokens: TokenValues): string | { unknown: string } {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const letter = value[++i];
    const replacement =
      letter === "%" ? "%" : letter !== undefined ? tokens[letter as keyof TokenValues] : undefined;
    if (replacement === undefined) return { unknown: `%${letter ?? ""}` };
    out += replacement;
  }
  return out;
}

export function expandTilde(path: string, home: string): string {
  if (path === "~") return home;
  return path.startsWith("~/") ? home + path.slice(1) : path;
}
