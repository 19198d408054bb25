// Expand an `Include` argument like glob(3): `*`, `?` per path segment, sorted, no dotfiles
// unless the pattern asks for them. (Node 20 has no fs.glob.)
import { readdirSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { matchPattern } from "../../transport/hostPatterns.js";

export function expandIncludePath(pattern: string, relativeTo: string): string[] {
  const absolute = isAbsolute(pattern) ? pattern : join(relativeTo, pattern);
  const segments = absolute.split("/").filter((s) => s !== "");
  let paths = ["/"];
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      if (!/[*?]/.test(segment)) {
        next.push(join(base, segment));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith(".") && !segment.startsWith(".")) continue;
        if (matchPattern(name, segment)) next.push(join(base, name));
      }
    }
    paths = last ? next : next.filter(isDirectory);
  }
  return paths.filter(isFile);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
