// Where a value came from in the user's file, so that every problem can say FILE:LINE:COL.
import type { Problem } from "../errors.js";

/** A path into the loaded data, as JSON Pointer segments: ["printk", "0", "file"]. */
export type Pointer = readonly string[];

export interface Position {
  line: number;
  col: number;
  /** Set when the value was read from another file than the map's (Ansible group_vars/). */
  file?: string;
}

/**
 * Maps pointers into the loaded data back to the user's file. YAML files answer from the
 * document's nodes; Ansible INI inventories answer from the lines they were built from.
 */
export interface SourceMap {
  readonly file: string;
  /** The key (for "unknown key") or the value at a pointer; falls back to the nearest ancestor. */
  position(pointer: Pointer, target: "key" | "value"): Position;
  /** How the user names this place in messages, e.g. "printk[0].file"; "" for the root. */
  label(pointer: Pointer): string;
}

export function problemAt(
  map: SourceMap,
  pointer: Pointer,
  message: string,
  target: "key" | "value" = "value",
): Problem {
  const { line, col, file = map.file } = map.position(pointer, target);
  const label = map.label(pointer);
  return { file, line, col, message: label ? `${label}: ${message}` : message };
}

/** The conventional label for a pointer: keys joined with dots, list indexes in brackets. */
export function dottedLabel(pointer: Pointer): string {
  let out = "";
  for (const segment of pointer) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

/** Sorted by position within each file (files in order of appearance), duplicates removed. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.file}\0${p.line}\0${p.col}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const fileOrder = [...new Set(unique.map((p) => p.file))];
  const rank = (p: Problem) => fileOrder.indexOf(p.file);
  return unique.sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col);
}

/** Render a user's value inside a message: strings quoted (with escapes visible), others as JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
