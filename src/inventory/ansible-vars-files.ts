// Ansible reads group_vars/ and host_vars/ next to an inventory file; so does nfdebug, for the
// connection variables in them.
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import type { Problem } from "../errors.js";
import { isRecord } from "../files/value-checks.js";
import { parseYaml } from "../files/yaml-source.js";
import type { AnsibleInventory, Located } from "./ansible-model.js";

const VARS_EXTENSIONS = new Set(["", ".yml", ".yaml", ".json"]);

/** Fills each group's and host's fileVars; returns problems found in those files. */
export async function readVarsDirectories(inventory: AnsibleInventory): Promise<Problem[]> {
  const base = dirname(inventory.file);
  const problems: Problem[] = [];
  for (const group of inventory.groups.values()) {
    for (const file of await varsFiles(join(base, "group_vars"), group.name)) {
      problems.push(...(await readVarsFile(file, `group ${group.name}`, group.fileVars)));
    }
  }
  for (const host of inventory.hosts.values()) {
    for (const file of await varsFiles(join(base, "host_vars"), host.name)) {
      problems.push(...(await readVarsFile(file, `host ${host.name}`, host.fileVars)));
    }
  }
  return problems;
}

/** <dir>/<name>, <name>.yml/.yaml/.json, or every such file under the folder <dir>/<name>/, sorted. */
async function varsFiles(dir: string, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const extension of VARS_EXTENSIONS) {
    const path = join(dir, `${name}${extension}`);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) found.push(path);
    else if (info?.isDirectory() && extension === "") found.push(...(await filesIn(path)));
  }
  return found;
}

async function filesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesIn(path)));
    else if (entry.isFile() && VARS_EXTENSIONS.has(extname(entry.name)) && !entry.name.startsWith("."))
      out.push(path);
  }
  return out;
}

async function readVarsFile(file: string, owner: string, into: Map<string, Located>): Promise<Problem[]> {
  const text = await readFile(file, "utf8");
  // Whole-file vaults conventionally hold secrets (become passwords), which nfdebug never uses:
  // they are skipped rather than failing every inventory that has one.
  if (/^\s*\$ANSIBLE_VAULT;/.test(text)) return [];
  const source = parseYaml(text, file, { vault: "mark" });
  if (source.problems.length > 0) return source.problems;
  if (source.data === null || source.data === undefined) return [];
  if (!isRecord(source.data)) {
    return [
      { file, ...source.map.position([], "value"), message: "a vars file must be a mapping of variables" },
    ];
  }
  for (const [key, value] of Object.entries(source.data)) {
    const at = { ...source.map.position([key], "value"), file };
    into.set(key, { value, at, label: `${owner}, ${key}` });
  }
  return [];
}
