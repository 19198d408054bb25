// The host journal's key=value files (the window header, the log budget's $J/budget), as the tests
// read them from a namespace host's directories.
import { readFileSync } from "node:fs";

/** KEY=VALUE lines of FILE (a value may hold "="), or null when there is no such file. */
export function readKeyValueFile(file: string): Record<string, string> | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  return Object.fromEntries(
    text
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}
