// Loading an inventory: read any supported format, validate everything, then build HostSpecs.
import { dirname, resolve } from "node:path";
import { InputError, type Problem } from "../errors.js";
import { schemaProblems } from "../files/schema-problems.js";
import { definitionValidator, schemaValidator } from "../files/schema-registry.js";
import { sortProblems } from "../files/source-map.js";
import { inventoryMeaningProblems } from "./check.js";
import type { InventoryDocument } from "./document.js";
import { hostSpecs, type InventoryOptions } from "./normalise.js";
import { readInventorySource, type InventorySource, type ReadOptions } from "./source.js";
import type { Inventory } from "./types.js";

export type { InventoryOptions } from "./normalise.js";

/** Every problem in an inventory source: reading, schema and meaning. */
export function inventoryProblems(source: InventorySource): Problem[] {
  if (source.problems.length > 0 || source.data === undefined) return sortProblems(source.problems);
  return sortProblems([
    ...schemaProblems(schemaValidator("inventory"), source.data, source.map),
    ...inventoryMeaningProblems(source.map, source.data),
  ]);
}

/**
 * Load an nfdebug, Ansible YAML or Ansible INI inventory, or a dynamic Ansible inventory through
 * ansible-inventory. Throws InputError with every located problem. Relative key paths are
 * relative to the inventory's folder (nfdebug format) or to the current directory (Ansible
 * formats, as ssh would read them there).
 */
export async function loadInventory(
  path: string,
  options: InventoryOptions = {},
  read: ReadOptions = {},
): Promise<Inventory> {
  checkOptions(options);
  const source = await readInventorySource(path, read);
  const problems = inventoryProblems(source);
  if (problems.length > 0) throw new InputError(`${path}: invalid inventory`, problems);
  const baseDir = source.format === "nfdebug" ? dirname(resolve(path)) : process.cwd();
  const doc = source.data as InventoryDocument;
  const hosts = hostSpecs(doc, baseDir, options);
  hosts.forEach((host, index) => {
    if (host.proxyCommand?.source !== "inventory") return;
    const own = doc.hosts[index]!.proxy_command !== undefined;
    const { line, file = source.map.file } = source.map.position(
      own ? ["hosts", String(index), "proxy_command"] : ["defaults", "proxy_command"],
      "value",
    );
    host.proxyCommand.where = `${file}:${line}`;
  });
  return { file: path, hosts };
}

function checkOptions(options: InventoryOptions): void {
  const messages: string[] = [];
  if (options.user !== undefined && !definitionValidator("inventory", "user")(options.user)) {
    messages.push(`--user ${JSON.stringify(options.user)} is not a valid user name`);
  }
  if (options.port !== undefined && !definitionValidator("inventory", "port")(options.port)) {
    messages.push(`--port ${JSON.stringify(options.port)} must be an integer from 1 to 65535`);
  }
  const identities = options.identity === undefined ? [] : [options.identity].flat();
  for (const identity of identities) {
    if (!definitionValidator("inventory", "path")(identity)) {
      messages.push(`--identity ${JSON.stringify(identity)} is not a usable path`);
    }
  }
  if (messages.length > 0) throw new InputError(messages.join("\n"));
}
