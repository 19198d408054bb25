// Which known_hosts entries can name a host, without testing every entry against every host:
// entries that list plain names are found by name; only hashed and wildcard/negated entries are
// tested one by one. Connecting to N hosts with an N-line known_hosts was O(N²) pattern matches
// (about 7 s of a 5,000-host run's controller CPU in the simulation).
import type { KnownHostsEntry } from "./knownHostsFile.js";
import { entryMatchesName } from "./knownHostsLookup.js";

export class KnownHostsIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly scanned: number[] = [];
  private readonly memo = new Map<string, KnownHostsEntry[]>();

  constructor(private readonly entries: readonly KnownHostsEntry[]) {
    entries.forEach((entry, i) => {
      const names = entry.hosts.kind === "patterns" ? entry.hosts.patterns.split(",") : [];
      if (names.length === 0 || names.some((n) => /[*?!]/.test(n))) return void this.scanned.push(i);
      for (const name of new Set(names.filter((n) => n !== "").map((n) => n.toLowerCase()))) {
        const list = this.byName.get(name);
        if (list) list.push(i);
        else this.byName.set(name, [i]);
      }
    });
  }

  /** The entries that match `name` (as knownHostsName makes it), in file order. */
  matching(name: string): KnownHostsEntry[] {
    let found = this.memo.get(name);
    if (!found) {
      const ids = [
        ...(this.byName.get(name) ?? []),
        ...this.scanned.filter((i) => entryMatchesName(this.entries[i], name)),
      ].sort((a, b) => a - b);
      found = ids.map((i) => this.entries[i]);
      this.memo.set(name, found);
    }
    return found;
  }
}
