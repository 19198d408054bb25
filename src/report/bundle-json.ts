// Reading a bundle's JSON and JSON Lines files with errors located at FILE:LINE:COL.

import { closeSync, openSync, readSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { InputError, errorMessage } from "../errors.js";

/**
 * Parses a JSON file. A missing file returns `fallback` when one is given (optional bundle
 * files), else it is an InputError. `check` returns a message when the shape is wrong.
 */
export async function readJsonFile<T>(
  path: string,
  check?: (value: unknown) => string | undefined,
  fallback?: T,
): Promise<T> {
  const text = await readText(path, fallback !== undefined);
  if (text === undefined) return fallback as T;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const { line, col } = locateJsonError(text, errorMessage(err));
    throw new InputError("", [{ file: path, line, col, message: `not valid JSON: ${errorMessage(err)}` }]);
  }
  const problem = check?.(value);
  if (problem) throw new InputError("", [{ file: path, line: 1, col: 1, message: problem }]);
  return value as T;
}

/**
 * A JSON Lines file read as it is iterated, 64 KiB at a time: for reports over more records
 * than fit in memory. Blank lines are skipped, a missing file is empty, and a malformed line is an
 * InputError naming FILE:LINE.
 */
export function* jsonLinesOf<T>(path: string): Generator<T> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new InputError("", [{ file: path, line: 1, col: 1, message: `cannot read: ${errorMessage(err)}` }]);
  }
  try {
    // 64 KiB: a larger chunk decodes to a string in V8's large-object space, which only a full
    // collection frees (1 MiB chunks held 200 MiB RSS over a 1.4 GiB file; 64 KiB, see BENCHMARKS.md).
    const chunk = Buffer.alloc(64 * 1024);
    const decoder = new TextDecoder("utf-8");
    let rest = "";
    let lineNo = 0;
    const parse = (line: string): T | undefined => {
      lineNo++;
      if (line.trim() === "") return undefined;
      try {
        return JSON.parse(line) as T;
      } catch (err) {
        throw new InputError("", [
          { file: path, line: lineNo, col: 1, message: `not a JSON record: ${errorMessage(err)}` },
        ]);
      }
    };
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      const lines = (rest + decoder.decode(chunk.subarray(0, n), { stream: true })).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        const value = parse(line);
        if (value !== undefined) yield value;
      }
    }
    const value = parse(rest + decoder.decode());
    if (value !== undefined) yield value;
  } finally {
    closeSync(fd);
  }
}

async function readText(path: string, optional: boolean): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError("", [{ file: path, line: 1, col: 1, message: `cannot read: ${errorMessage(err)}` }]);
  }
}

/**
 * Where JSON.parse failed. V8 says "at position N" (sometimes "line L column C") for most
 * errors, but for an unexpected token only quotes up to 10 characters either side of it:
 *   Unexpected token 'o', ..."runbook": oops\n}\n" is not valid JSON
 */
function locateJsonError(text: string, message: string): { line: number; col: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), col: Number(lc[2]) };
  const at = /position (\d+)/.exec(message);
  let pos = at ? Number(at[1]) : undefined;
  if (pos === undefined && /Unexpected end of JSON input/.test(message)) pos = text.length;
  const quoted = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(
    message,
  );
  if (pos === undefined && quoted) {
    const [, token, before, context, afterMore] = quoted;
    const start = text.indexOf(context);
    if (start >= 0) {
      pos = before ? start + 10 : afterMore ? start + context.length - 10 : start + context.indexOf(token);
    }
  }
  if (pos === undefined) return { line: 1, col: 1 };
  const head = text.slice(0, pos);
  return { line: head.split("\n").length, col: pos - head.lastIndexOf("\n") };
}
