// Loads the kernel-line fixtures (test/fixtures/logs/*.txt: "<case>\t<message>" per line).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unescapeKmsg } from "../../../src/logs/sources/framing.js";

/** test/fixtures/<folder>/ from either test/unit/logs/ (sources) or dist/test/unit/logs/ (compiled). */
export function fixtureFolder(folder: string): string {
  for (const up of ["../../../../test/fixtures/", "../../../test/fixtures/"]) {
    const path = fileURLToPath(new URL(`${up}${folder}/`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`fixture folder not found: ${folder}`);
}

/** A file of test/fixtures/logs/. */
export function fixturePath(name: string): string {
  const path = join(fixtureFolder("logs"), name);
  if (!existsSync(path)) throw new Error(`fixture not found: ${name}`);
  return path;
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

export interface CorpusLine {
  file: string;
  case: string;
  message: string;
}

export function corpus(file: string): CorpusLine[] {
  return readFixture(file)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const tab = l.indexOf("\t");
      // The files keep kmsg's escapes (\x0a); the kmsg reader undoes them, and so does this loader.
      return { file, case: l.slice(0, tab), message: unescapeKmsg(l.slice(tab + 1)) };
    });
}

/** The one line of a corpus containing every one of the given substrings. */
export function line(lines: CorpusLine[], ...parts: string[]): CorpusLine {
  const found = lines.filter((l) => parts.every((p) => l.message.includes(p)));
  if (found.length !== 1)
    throw new Error(`expected one corpus line with ${JSON.stringify(parts)}, found ${found.length}`);
  return found[0];
}

/** The one line of the case of this name. */
export function byCase(lines: CorpusLine[], name: string): CorpusLine {
  const found = lines.filter((l) => l.case === name);
  if (found.length !== 1) throw new Error(`expected one corpus line of case ${name}, found ${found.length}`);
  return found[0];
}
