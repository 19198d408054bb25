// An Ansible inventory → the nfdebug inventory shape, with a source map back to the lines where
// each host and variable was written.
import type { Problem } from "../errors.js";
import type { Pointer, Position, SourceMap } from "../files/source-map.js";
import type { AnsibleInventory } from "./ansible-model.js";
import { resolveHosts } from "./ansible-vars.js";
import type { HostEntry, InventoryDocument } from "./document.js";

export function ansibleDocument(inventory: AnsibleInventory): {
  data: InventoryDocument;
  map: SourceMap;
  problems: Problem[];
} {
  const places = new Map<string, { at: Position; label: string }>();
  const place = (pointer: Pointer, at: Position, label: string) =>
    places.set(pointer.join("/"), { at, label });
  const { hosts, problems } = resolveHosts(inventory);
  place(["hosts"], { line: 1, col: 1 }, "inventory hosts");
  const entries: HostEntry[] = hosts.map((resolved, index) => {
    const host = inventory.hosts.get(resolved.name)!;
    const base = ["hosts", String(index)];
    place(base, host.at, `host ${host.name}`);
    const entry: HostEntry = { name: host.name, groups: resolved.groups };
    resolved.groups.forEach((group, j) => {
      place([...base, "groups", String(j)], inventory.groups.get(group)!.at, `group ${group}`);
    });
    for (const [field, located] of Object.entries(resolved.fields)) {
      (entry as unknown as Record<string, unknown>)[field] = located.value;
      place([...base, field], located.at, located.label);
    }
    problems.push(...resolved.problems);
    return entry;
  });
  const map: SourceMap = {
    file: inventory.file,
    position(pointer) {
      for (let n = pointer.length; n > 0; n--) {
        const found = places.get(pointer.slice(0, n).join("/"));
        if (found) return found.at;
      }
      return { line: 1, col: 1 };
    },
    label(pointer) {
      for (let n = pointer.length; n > 0; n--) {
        const found = places.get(pointer.slice(0, n).join("/"));
        if (found) return found.label;
      }
      return "";
    },
  };
  return { data: { hosts: entries }, map, problems };
}
