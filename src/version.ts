import { readFileSync } from "node:fs";

/** The version in package.json (two levels up from dist/src or src). */
export const NFDEBUG_VERSION: string = (() => {
  for (const rel of ["../../package.json", "../package.json"]) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")).version as string;
    } catch {
      // try the next layout
    }
  }
  return "unknown";
})();
