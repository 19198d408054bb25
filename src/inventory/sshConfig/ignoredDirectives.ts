// The one warning per run that names every ssh_config line the ssh2 transport did not act on,
// among the lines that applied to the hosts (and jump hosts) resolved.
import type { ConfigLine } from "./configLines.js";
import type { SshConfig } from "./configTree.js";

export function ignoredDirectivesWarning(config: SshConfig): string | null {
  return ignoredLinesWarning(config.ignored.values());
}

/** The warning for these lines (each named once), or null when there are none. */
export function ignoredLinesWarning(ignored: Iterable<ConfigLine>): string | null {
  const unique = new Map<string, ConfigLine>();
  for (const l of ignored) unique.set(`${l.file}\n${l.line}`, l);
  if (unique.size === 0) return null;
  const lines = [...unique.values()].sort((a, b) =>
    a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
  );
  const named = lines.map((l) => `${l.name} (${l.file}:${l.line})`);
  return `ssh_config directives the ssh2 transport ignores: ${named.join(", ")}`;
}
