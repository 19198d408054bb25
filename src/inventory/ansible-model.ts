// Ansible inventories (INI or YAML) read into one model: groups with hosts, children and vars.

import type { Position } from "../files/source-map.js";

/** A variable's value with where it was written and how to name that place in a message. */
export interface Located<T = unknown> {
  value: T;
  at: Position;
  /** e.g. "host web1, ansible_port" or "group web, ansible_user". */
  label: string;
}

export { VaultedValue } from "../files/vaulted-value.js";

export interface AnsibleGroup {
  name: string;
  at: Position;
  hosts: string[];
  children: Array<{ name: string; at: Position }>;
  vars: Map<string, Located>;
  /** From group_vars/<name>[.yml] next to the inventory. */
  fileVars: Map<string, Located>;
}

export interface AnsibleHost {
  name: string;
  at: Position;
  vars: Map<string, Located>;
  /** From host_vars/<name>[.yml] next to the inventory. */
  fileVars: Map<string, Located>;
}

export class AnsibleInventory {
  readonly groups = new Map<string, AnsibleGroup>();
  readonly hosts = new Map<string, AnsibleHost>();

  constructor(readonly file: string) {
    this.group("all", { line: 1, col: 1 });
    this.group("ungrouped", { line: 1, col: 1 });
  }

  group(name: string, at: Position): AnsibleGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, at, hosts: [], children: [], vars: new Map(), fileVars: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }

  /** A host may be listed in several groups; its vars merge, later ones win. */
  addHost(groupName: string, name: string, at: Position, vars: Map<string, Located> = new Map()): void {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, at, vars: new Map(), fileVars: new Map() };
      this.hosts.set(name, host);
    }
    for (const [key, value] of vars) host.vars.set(key, value);
    const group = this.group(groupName, at);
    if (!group.hosts.includes(name)) group.hosts.push(name);
  }

  addChild(parentName: string, childName: string, at: Position): void {
    const parent = this.group(parentName, at);
    this.group(childName, at);
    if (!parent.children.some((c) => c.name === childName)) parent.children.push({ name: childName, at });
  }
}
