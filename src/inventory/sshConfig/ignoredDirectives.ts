// The one warning per run that names every ssh_config line the ssh2 transport did not act on,
// among the lines that applied to the hosts (and jump hosts) resolved.
import type { SshConfig } from "./configTree.js";

export function ignoredDirectivesWarning(config: SshConfig): string | null {
  if (config.ignored.size === 0) return null;
  const lines = [...config.ignored.values()].sort((a, b) =>
    a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
  );
  const named = lines.map((l) => `${l.name} (${l.file}:${l.line})`);
  return `ssh_config directives the ssh2 transport ignores: ${named.join(", ")}`;
}
