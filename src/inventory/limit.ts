// Limit patterns as in Ansible: "web*,db1,!web3,&eu" — comma-separated globs over host names and
// group names; plain terms add, "&" terms intersect, "!" terms exclude (in that order, whatever
// order they are written in); "all" and "*" match every host.
import { InputError } from "../errors.js";
import type { HostSpec } from "./types.js";

export interface LimitTerm {
  kind: "include" | "intersect" | "exclude";
  glob: string;
}

const TERM = /^[A-Za-z0-9_.:*?[\]!-]+$/;

/**
 * The terms of a pattern, or why it is not one (a phrase that follows "... is not a host
 * pattern: ").
 */
export function parseLimit(pattern: string): LimitTerm[] | { error: string } {
  const terms: LimitTerm[] = [];
  for (const raw of pattern.split(",")) {
    const kind = raw.startsWith("!") ? "exclude" : raw.startsWith("&") ? "intersect" : "include";
    const glob = kind === "include" ? raw : raw.slice(1);
    if (raw === "") return { error: "it has an empty term (two commas, or a comma at an end)" };
    if (glob === "") return { error: `${JSON.stringify(raw)} needs a name after it` };
    if (!TERM.test(glob) || glob.startsWith("!")) {
      return {
        error: `${JSON.stringify(raw)} may only use letters, digits, _ . : - and the globs * ? [...]`,
      };
    }
    if (!bracketsBalanced(glob)) return { error: `${JSON.stringify(raw)} has an unbalanced [ ]` };
    terms.push({ kind, glob });
  }
  return terms;
}

/** Hosts selected by a pattern, in inventory order. A term that matches nothing is an error. */
export function selectHosts(hosts: HostSpec[], pattern: string | undefined, what = "--limit"): HostSpec[] {
  if (pattern === undefined) return hosts;
  const terms = parseLimit(pattern);
  if ("error" in terms)
    throw new InputError(`${what} ${JSON.stringify(pattern)} is not a host pattern: ${terms.error}`);
  const unmatched: string[] = [];
  const matching = (term: LimitTerm): Set<HostSpec> => {
    const test = globTest(term.glob);
    const found = new Set(hosts.filter((h) => term.glob === "all" || test(h.name) || h.groups.some(test)));
    if (found.size === 0) unmatched.push(term.glob);
    return found;
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
