// Host patterns with Ansible's grammar and semantics (ansible/inventory/manager.py, 2.14), so that
// a --limit that selects hosts for `ansible` selects the same ones here:
// - terms are separated by commas, or, when there is no comma, by colons ("web:db"; brackets kept
//   whole, and a pattern that is one host's name, such as an IPv6 address, stays one term);
// - plain terms add, "&" terms intersect, "!" terms exclude, applied in that order whatever the
//   order written; with no plain term, the start is every host;
// - a term is a host or group name, an fnmatch glob (* ? [abc] [!abc]), or "~" and a regular
//   expression matched at the start of the name; a glob matching a group takes its hosts, and
//   also matches host names when it matches no group or has a glob character or a dot;
// - a subscript picks from what a term matched: web[0], web[-1], web[1:3] (inclusive), web[2:];
// - "@FILE" reads one term per line (a retry file of failed hosts).
// One departure: a term that matches nothing is an error here (Ansible warns and ignores it),
// because a typo must not silently narrow or widen the hosts a debug window changes.
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import type { HostSpec } from "./types.js";

export interface Subscript {
  start: number;
  /** Inclusive; undefined for a single index, "last" for an open range (web[2:]). */
  end?: number | "last";
}

export interface LimitTerm {
  kind: "include" | "intersect" | "exclude";
  /** Without its & or !: a name, a glob, or ~ and a regular expression. */
  pattern: string;
  subscript?: Subscript;
}

const GLOB_TERM = /^[A-Za-z0-9_.:*?[\]!-]+$/;
const WITH_SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)[:-]([0-9]*))\]$/;

/** Ansible's split: commas, else colons outside brackets; whitespace around terms is dropped. */
export function splitPattern(pattern: string, isHostName: (s: string) => boolean = () => false): string[] {
  const parts = pattern.includes(",")
    ? pattern.split(",")
    : isHostName(pattern.trim())
      ? [pattern]
      : (pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

export interface LimitOptions {
  /** Whether a string is a host's name (keeps "fe80::1" one term). */
  isHostName?: (s: string) => boolean;
  /** Reads an @FILE; relative paths from the working directory. */
  readFile?: (path: string) => string;
}

/**
 * The terms of a pattern, or why it is not one (a phrase that follows "... is not a host
 * pattern: ").
 */
export function parseLimit(pattern: string, options: LimitOptions = {}): LimitTerm[] | { error: string } {
  const terms: LimitTerm[] = [];
  const raws = splitPattern(pattern, options.isHostName);
  // Splitting on colons skips a bracket that is never closed: say so rather than drop it.
  const brackets = (s: string) => s.replace(/[^[\]]/g, "").length;
  if (brackets(raws.join("")) !== brackets(pattern))
    return { error: `${JSON.stringify(pattern.trim())} has an unbalanced [ ]` };
  for (const raw of raws) {
    if (raw.startsWith("@")) {
      const lines = readLimitFile(raw.slice(1), options.readFile);
      if (typeof lines !== "string") return lines;
      for (const line of lines.split("\n").map((l) => l.trim()))
        if (line !== "") {
          const term = parseTerm(line);
          if ("error" in term) return { error: `${raw}: ${term.error}` };
          terms.push(term);
        }
      continue;
    }
    const term = parseTerm(raw);
    if ("error" in term) return term;
    terms.push(term);
  }
  if (terms.length === 0) return { error: "it has no term" };
  return terms;
}

function readLimitFile(path: string, read: (p: string) => string = (p) => readFileSync(p, "utf8")) {
  if (path === "") return { error: '"@" needs a file name after it' };
  try {
    return read(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: `cannot read the limit file ${path} (${code ?? (err as Error).message})` };
  }
}

function parseTerm(raw: string): LimitTerm | { error: string } {
  const kind = raw.startsWith("!") ? "exclude" : raw.startsWith("&") ? "intersect" : "include";
  const body = kind === "include" ? raw : raw.slice(1);
  if (body === "") return { error: `${JSON.stringify(raw)} needs a name after it` };
  if (body.startsWith("~")) {
    const source = body.slice(1);
    if (source === "" || /[\u0000-\u001f]/.test(source))
      return { error: `${JSON.stringify(raw)} needs a regular expression after ~` };
    try {
      new RegExp(source);
    } catch (err) {
      return { error: `${JSON.stringify(raw)} is not a regular expression: ${(err as Error).message}` };
    }
    return { kind, pattern: body };
  }
  const m = WITH_SUBSCRIPT.exec(body);
  const glob = m ? m[1] : body;
  if (!GLOB_TERM.test(glob) || glob.startsWith("!") || glob.startsWith("&"))
    return {
      error: `${JSON.stringify(raw)} may only use letters, digits, _ . : - and the globs * ? [...] (or ~ and a regular expression)`,
    };
  if (!bracketsBalanced(glob)) return { error: `${JSON.stringify(raw)} has an unbalanced [ ]` };
  if (!m) return { kind, pattern: glob };
  const subscript: Subscript =
    m[2] !== undefined
      ? { start: Number(m[2]) }
      : { start: Number(m[3]), end: m[4] === "" ? "last" : Number(m[4]) };
  return { kind, pattern: glob, subscript };
}

/** Hosts selected by a pattern, in inventory order. A term that matches nothing is an error. */
export function selectHosts(
  hosts: HostSpec[],
  pattern: string | undefined,
  what = "--limit",
  readFile?: (path: string) => string,
): HostSpec[] {
  if (pattern === undefined) return hosts;
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const terms = parseLimit(pattern, { isHostName: (s) => byName.has(s), readFile });
  if ("error" in terms)
    throw new InputError(`${what} ${JSON.stringify(pattern)} is not a host pattern: ${terms.error}`);
  const unmatched: string[] = [];
  const matching = (term: LimitTerm): Set<HostSpec> => {
    const found = matchTerm(hosts, byName, term);
    if (typeof found === "string") throw new InputError(`${what} ${JSON.stringify(pattern)}: ${found}`);
    if (found.length === 0) unmatched.push(term.pattern);
    return new Set(found);
  };
  const includes = terms.filter((t) => t.kind === "include");
  let selected = new Set<HostSpec>(includes.length === 0 ? hosts : []);
  for (const term of includes) for (const host of matching(term)) selected.add(host);
  for (const term of terms.filter((t) => t.kind === "intersect")) {
    const found = matching(term);
    selected = new Set([...selected].filter((h) => found.has(h)));
  }
  for (const term of terms.filter((t) => t.kind === "exclude")) {
    const found = matching(term);
    selected = new Set([...selected].filter((h) => !found.has(h)));
  }
  if (unmatched.length > 0) {
    const names = unmatched.map((g) => JSON.stringify(g)).join(", ");
    throw new InputError(
      `${what} ${JSON.stringify(pattern)}: ${names} ${unmatched.length === 1 ? "matches" : "match"} no host or group in the inventory`,
    );
  }
  if (selected.size === 0) throw new InputError(`${what} ${JSON.stringify(pattern)} selects no host`);
  return hosts.filter((h) => selected.has(h));
}

/** What one term matches, in inventory order; a string says why its subscript is out of range. */
function matchTerm(hosts: HostSpec[], byName: Map<string, HostSpec>, term: LimitTerm): HostSpec[] | string {
  // As Ansible: a plain term that is a host's name is that host, even where a group has the name.
  const exact = term.kind === "include" && !term.subscript ? byName.get(term.pattern) : undefined;
  if (exact) return [exact];
  const regex = term.pattern.startsWith("~");
  const test = regex ? regexTest(term.pattern.slice(1)) : globTest(term.pattern);
  const groupsOf = (h: HostSpec) => [...h.groups, "all", ...(h.groups.length === 0 ? ["ungrouped"] : [])];
  const groupMatched = hosts.some((h) => groupsOf(h).some(test));
  const namesToo = !groupMatched || regex || /[.?*[]/.test(term.pattern);
  const found = hosts.filter((h) => groupsOf(h).some(test) || (namesToo && test(h.name)));
  if (!term.subscript || found.length === 0) return found;
  const { start, end } = term.subscript;
  const at = start < 0 ? found.length + start : start;
  const last = end === undefined ? at : end === "last" ? found.length - 1 : end;
  if (at < 0 || at >= found.length || last < at)
    return `${term.pattern}[${start}${end === undefined ? "" : `:${end === "last" ? "" : end}`}] is past the ${found.length} host(s) ${term.pattern} matches`;
  return found.slice(at, last + 1);
}

function bracketsBalanced(glob: string): boolean {
  let open = false;
  for (const c of glob) {
    if (c === "[") {
      if (open) return false;
      open = true;
    } else if (c === "]") {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

/** Python's re.match: anchored at the start of the name only. */
function regexTest(source: string): (name: string) => boolean {
  const regex = new RegExp(`^(?:${source})`);
  return (name) => regex.test(name);
}

/** fnmatch-style: * any run, ? one character, [abc] [a-z] [!abc] one character from a set. */
export function globTest(glob: string): (name: string) => boolean {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      let set = glob.slice(i + 1, close);
      if (set.startsWith("!")) set = `^${set.slice(1)}`;
      source += `[${set.replace(/[\\\]]/g, "\\$&")}]`;
      i = close;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}
