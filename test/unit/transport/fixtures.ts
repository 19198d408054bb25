// Locate recorded fixtures from the compiled test (dist/test/unit/transport → repo root).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/transport/", import.meta.url));

export function fixture(name: string): string {
  return readFileSync(FIXTURES + name, "utf8");
}

/** Parse a `== NAME` / matched-lines file recorded with `ssh-keygen -F`. */
export function recordedLookups(name: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of fixture(name).split("\n")) {
    if (line.startsWith("# ") || line === "") continue;
    if (line.startsWith("== ")) map.set(line.slice(3), (current = []));
    else current?.push(line);
  }
  return map;
}
