// Resolving an Ansible host's variables (precedence as Ansible applies it) and turning the
// connection variables nfdebug understands into inventory fields.
import type { Problem } from "../errors.js";
import { VaultedValue } from "../files/vaulted-value.js";
import { shellWords } from "../shell/words.js";
import type { AnsibleInventory, Located } from "./ansible-model.js";

/** Connection variables read by nfdebug, per inventory field; the first one set wins. */
const FIELD_VARS = {
  address: ["ansible_host", "ansible_ssh_host"],
  port: ["ansible_port", "ansible_ssh_port"],
  user: ["ansible_user", "ansible_ssh_user"],
  identity: ["ansible_ssh_private_key_file", "ansible_private_key_file"],
  become: ["ansible_become"],
  transport: ["nfdebug_transport"],
  textfile_dir: ["nfdebug_textfile_dir"],
} as const;
export type AnsibleField = keyof typeof FIELD_VARS | "jump" | "proxy_command";

export interface ResolvedHost {
  name: string;
  groups: string[];
  fields: Partial<Record<AnsibleField, Located>>;
  problems: Problem[];
}

/**
 * Ancestors of each group (for membership) and each group's depth below `all` (for precedence:
 * all < parent groups < child groups < host, equal depths by name, as Ansible orders them).
 */
export function groupGraph(inventory: AnsibleInventory): {
  parents: Map<string, string[]>;
  depth: Map<string, number>;
  cycles: Array<{ group: string; at: { line: number; col: number } }>;
} {
  const parents = new Map<string, string[]>();
  for (const group of inventory.groups.values()) {
    for (const child of group.children)
      parents.set(child.name, [...(parents.get(child.name) ?? []), group.name]);
  }
  const cycles: Array<{ group: string; at: { line: number; col: number } }> = [];
  const depth = new Map<string, number>();
  const visit = (name: string, d: number, path: Set<string>): void => {
    if ((depth.get(name) ?? -1) >= d) return;
    depth.set(name, d);
    const group = inventory.groups.get(name)!;
    for (const child of group.children) {
      if (path.has(child.name)) {
        cycles.push({ group: child.name, at: child.at });
        continue;
      }
      visit(child.name, d + 1, new Set([...path, child.name]));
    }
  };
  // Groups that nobody lists as a child hang under `all`.
  for (const name of inventory.groups.keys()) {
    if (name !== "all" && !parents.has(name)) parents.set(name, ["all"]);
  }
  visit("all", 0, new Set(["all"]));
  for (const name of inventory.groups.keys()) {
    if (!depth.has(name)) visit(name, 1, new Set([name]));
  }
  return { parents, depth, cycles };
}

export function resolveHosts(inventory: AnsibleInventory): { hosts: ResolvedHost[]; problems: Problem[] } {
  const { parents, depth, cycles } = groupGraph(inventory);
  const problems: Problem[] = cycles.map(({ group, at }) => ({
    file: inventory.file,
    ...at,
    message: `group ${group} is its own ancestor (children form a cycle)`,
  }));
  const hosts: ResolvedHost[] = [];
  for (const host of inventory.hosts.values()) {
    const groups = new Set<string>();
    const pending = [...inventory.groups.values()]
      .filter((g) => g.hosts.includes(host.name))
      .map((g) => g.name);
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (groups.has(name)) continue;
      groups.add(name);
      pending.push(...(parents.get(name) ?? []));
    }
    groups.add("all");
    const ordered = [...groups].sort(
      (a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b),
    );
    // Ansible's precedence: inventory group vars < group_vars/all < group_vars/<group> (by
    // depth) < inventory host vars < host_vars/<host>.
    const vars = new Map<string, Located>();
    const merge = (from: Map<string, Located>) => from.forEach((v, k) => vars.set(k, v));
    for (const name of ordered) merge(inventory.groups.get(name)!.vars);
    merge(inventory.groups.get("all")!.fileVars);
    for (const name of ordered) if (name !== "all") merge(inventory.groups.get(name)!.fileVars);
    merge(host.vars);
    merge(host.fileVars);
    const membership = [...inventory.groups.keys()].filter(
      (g) => groups.has(g) && g !== "all" && g !== "ungrouped",
    );
    hosts.push(connectionFields(inventory.file, host.name, membership, vars));
  }
  return { hosts, problems };
}

const SSH_CONNECTIONS = new Set(["ssh", "smart", "paramiko", "paramiko_ssh"]);

function connectionFields(
  file: string,
  name: string,
  groups: string[],
  vars: Map<string, Located>,
): ResolvedHost {
  const resolved: ResolvedHost = { name, groups, fields: {}, problems: [] };
  const problem = (v: Located, message: string) =>
    resolved.problems.push({
      file: v.at.file ?? file,
      line: v.at.line,
      col: v.at.col,
      message: `${v.label}: ${message}`,
    });
  for (const [field, names] of Object.entries(FIELD_VARS) as Array<[AnsibleField, readonly string[]]>) {
    const found = names.map((n) => vars.get(n)).find((v) => v !== undefined);
    if (found && usable(found, problem)) resolved.fields[field] = coerce(field, found);
  }
  const connection = vars.get("ansible_connection");
  if (connection && usable(connection, problem) && !SSH_CONNECTIONS.has(String(connection.value))) {
    problem(
      connection,
      `connection ${JSON.stringify(connection.value)} is not supported (nfdebug connects over SSH only)`,
    );
  }
  const method = vars.get("ansible_become_method");
  if (method && usable(method, problem) && String(method.value) !== "sudo") {
    problem(method, `become method ${JSON.stringify(method.value)} is not supported (nfdebug uses sudo -n)`);
  }
  for (const key of ["ansible_ssh_common_args", "ansible_ssh_extra_args"]) {
    const args = vars.get(key);
    if (!args || !usable(args, problem)) continue;
    const proxy = proxyOf(String(args.value));
    if (proxy === null) problem(args, "cannot split into words: a quote is left open");
    else if (proxy?.jump !== undefined) resolved.fields.jump = { ...args, value: proxy.jump };
    else if (proxy?.command !== undefined) resolved.fields.proxy_command = { ...args, value: proxy.command };
  }
  return resolved;
}

/** Vaulted values and Jinja2 templates cannot be evaluated here: say so where they are used. */
function usable(v: Located, problem: (v: Located, message: string) => void): boolean {
  if (v.value instanceof VaultedValue) {
    problem(v, "vaulted values (!vault) are not supported by nfdebug; write this variable in clear text");
    return false;
  }
  if (typeof v.value === "string" && /\{\{|\{%/.test(v.value)) {
    problem(v, "Jinja2 templates ({{ ... }}) are not supported by nfdebug; write the value itself");
    return false;
  }
  return true;
}

/** INI values are text: "2222" is a port and "yes" a boolean, as Ansible reads them. */
function coerce(field: AnsibleField, v: Located): Located {
  if (field === "port" && typeof v.value === "string" && /^\d{1,5}$/.test(v.value)) {
    return { ...v, value: Number(v.value) };
  }
  if (field === "become" && typeof v.value === "string") {
    const text = v.value.toLowerCase();
    if (["true", "yes", "on", "1"].includes(text)) return { ...v, value: true };
    if (["false", "no", "off", "0"].includes(text)) return { ...v, value: false };
  }
  if (field === "become" && typeof v.value === "number" && (v.value === 0 || v.value === 1)) {
    return { ...v, value: v.value === 1 };
  }
  return v;
}

/**
 * The proxy that ssh arguments set (-J x, -o ProxyJump=x, -oProxyJump=x, -o ProxyCommand=...),
 * the first one given winning as in ssh; undefined when none does, null when the text does not
 * split into words. Ansible splits these variables with shlex, as shellWords does.
 */
export function proxyOf(args: string): { jump?: string; command?: string } | undefined | null {
  const words = shellWords(args);
  if (words === null) return null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let option: string | undefined;
    if (word === "-J") return { jump: words[i + 1] };
    if (word.startsWith("-J")) return { jump: word.slice(2) };
    if (word === "-o") option = words[i + 1];
    else if (word.startsWith("-o")) option = word.slice(2);
    if (option === undefined) continue;
    const match = /^(\w+)\s*[= ]\s*(.*)$/s.exec(option);
    if (match && match[1]!.toLowerCase() === "proxyjump") return { jump: match[2] };
    if (match && match[1]!.toLowerCase() === "proxycommand") return { command: match[2] };
  }
  return undefined;
}
