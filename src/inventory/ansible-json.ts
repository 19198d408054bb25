// The JSON that `ansible-inventory --list` prints (groups with hosts and children, and every
// host's variables under _meta.hostvars) read into the same model as INI and YAML inventories, so
// that one resolver turns Ansible variables into connection fields.
import type { Problem } from "../errors.js";
import type { Position } from "../files/source-map.js";
import { isRecord } from "../files/value-checks.js";
import { VaultedValue } from "../files/vaulted-value.js";
import { AnsibleInventory, type Located } from "./ansible-model.js";

/** JSON has no lines to point at: every place is the inventory source itself. */
const HERE: Position = { line: 1, col: 1 };

export function fromAnsibleJson(
  json: unknown,
  file: string,
): { inventory: AnsibleInventory; problems: Problem[] } {
  const inventory = new AnsibleInventory(file);
  const problems: Problem[] = [];
  const problem = (message: string) => problems.push({ file, ...HERE, message });
  if (!isRecord(json)) {
    problem("ansible-inventory --list printed JSON that is not a mapping of groups");
    return { inventory, problems };
  }
  const names = (value: unknown, what: string): string[] => {
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
    problem(`ansible-inventory --list: ${what} is not a list of names`);
    return [];
  };
  const meta = isRecord(json._meta) ? json._meta : {};
  const hostvars = isRecord(meta.hostvars) ? meta.hostvars : {};
  for (const [name, body] of Object.entries(json)) {
    if (name === "_meta") continue;
    if (!isRecord(body)) {
      problem(`ansible-inventory --list: group ${name} is not a mapping`);
      continue;
    }
    const group = inventory.group(name, HERE);
    for (const child of names(body.children, `group ${name}'s children`))
      inventory.addChild(name, child, HERE);
    for (const host of names(body.hosts, `group ${name}'s hosts`)) inventory.addHost(name, host, HERE);
    if (isRecord(body.vars)) located(body.vars, `group ${name}`).forEach((v, k) => group.vars.set(k, v));
  }
  // A host with vars but in no group is not in the inventory: Ansible leaves it out too.
  for (const [name, vars] of Object.entries(hostvars)) {
    const host = inventory.hosts.get(name);
    if (host && isRecord(vars)) located(vars, `host ${name}`).forEach((v, k) => host.vars.set(k, v));
  }
  return { inventory, problems };
}

function located(vars: Record<string, unknown>, owner: string): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const [key, value] of Object.entries(vars)) {
    // ansible-inventory prints a `!vault` value as {"__ansible_vault": "<ciphertext>"}.
    const plain = isRecord(value) && "__ansible_vault" in value ? new VaultedValue() : value;
    out.set(key, { value: plain, at: HERE, label: `${owner}, ${key}` });
  }
  return out;
}
