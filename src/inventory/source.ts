// Reading an inventory file in any supported format into the nfdebug inventory shape, with a
// source map for located problems. Ansible features nfdebug cannot honour are named, not ignored.
import { open, stat } from "node:fs/promises";
import { extname } from "node:path";
import type { Problem } from "../errors.js";
import type { SourceMap } from "../files/source-map.js";
import { isRecord } from "../files/value-checks.js";
import { parseYaml, readSourceText } from "../files/yaml-source.js";
import { ansibleDocument } from "./ansible-document.js";
import { parseAnsibleIni } from "./ansible-ini.js";
import { ansibleInventoryList } from "./ansible-inventory-command.js";
import { fromAnsibleJson } from "./ansible-json.js";
import type { AnsibleInventory } from "./ansible-model.js";
import { readVarsDirectories } from "./ansible-vars-files.js";
import { fromAnsibleYaml } from "./ansible-yaml.js";
import type { InventoryFormat } from "./document.js";

export interface InventorySource {
  file: string;
  format: InventoryFormat;
  /** The nfdebug-shaped data; only trustworthy when `problems` is empty and the schema passes. */
  data: unknown;
  map: SourceMap;
  /** Syntax problems and unsupported features found while reading. */
  problems: Problem[];
}

/** An Ansible inventory read, before group_vars/ and host_vars/ are added and it is converted. */
interface AnsibleParse {
  file: string;
  format: InventoryFormat;
  inventory: AnsibleInventory;
  problems: Problem[];
}

const YAML_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const INI_EXTENSIONS = new Set([".ini", ".cfg", ".hosts"]);
const UNSUPPORTED_VAULT =
  "this file is encrypted with Ansible Vault ($ANSIBLE_VAULT), which nfdebug does not support; decrypt it or write a plain inventory";

export interface ReadOptions {
  /** The environment ansible-inventory runs in (its PATH finds it). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads the file, and for Ansible formats the group_vars/ and host_vars/ beside it. Dynamic
 * inventories (an executable script, a YAML file with `plugin:`, a directory of inventory
 * sources) are read through `ansible-inventory --list`, which applies their vars files itself.
 */
export async function readInventorySource(file: string, options: ReadOptions = {}): Promise<InventorySource> {
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory() || (info?.isFile() && (info.mode & 0o111) !== 0 && (await isProgram(file)))) {
    return dynamicSource(file, options);
  }
  const text = await readSourceText(file);
  const parsed = parseInventory(text, file);
  if ("dynamic" in parsed) return dynamicSource(file, options);
  if ("source" in parsed) return parsed.source;
  parsed.problems.push(...(await readVarsDirectories(parsed.inventory)));
  return ansibleSource(parsed);
}

/** An executable that the kernel can run: a script with `#!` or an ELF binary. */
async function isProgram(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    const head = buffer.subarray(0, bytesRead);
    return head.subarray(0, 2).toString("latin1") === "#!" || head.toString("latin1") === "\x7fELF";
  } finally {
    await handle.close();
  }
}

async function dynamicSource(file: string, options: ReadOptions): Promise<InventorySource> {
  const listed = await ansibleInventoryList(file, { env: options.env });
  return "error" in listed ? unsupported(file, listed.error) : listedSource(listed.json, file);
}

/** What `ansible-inventory -i FILE --list` printed, as an inventory source. */
export function listedSource(json: unknown, file: string): InventorySource {
  const { inventory, problems } = fromAnsibleJson(json, file);
  return ansibleSource({ file, format: "ansible-dynamic", inventory, problems });
}

/** From text alone: group_vars/ and host_vars/ are not read, and plugin files are not run. */
export function inventorySource(text: string, file: string): InventorySource {
  const parsed = parseInventory(text, file);
  if ("dynamic" in parsed) {
    return unsupported(file, "an inventory plugin file is read by running ansible-inventory on the file");
  }
  return "source" in parsed ? parsed.source : ansibleSource(parsed);
}

function parseInventory(
  text: string,
  file: string,
): { source: InventorySource } | { dynamic: true } | AnsibleParse {
  const done = (source: InventorySource) => ({ source });
  if (/^\s*\$ANSIBLE_VAULT;/.test(text)) return done(unsupported(file, UNSUPPORTED_VAULT));
  const extension = extname(file).toLowerCase();
  if (INI_EXTENSIONS.has(extension)) return iniParse(text, file);
  const yaml = parseYaml(text, file, { vault: "mark" });
  // A file without a telling extension is YAML when it parses as a mapping (or is broken YAML that
  // has `key:` lines), else INI (Ansible's classic `hosts` file).
  const looksLikeYaml = /^\s*(?:-\s+)?[A-Za-z_][\w.-]*:(?:\s|$)/m.test(text);
  const yamlFailed = yaml.problems.length > 0;
  if (!YAML_EXTENSIONS.has(extension) && !(looksLikeYaml && yamlFailed) && !isRecord(yaml.data)) {
    return iniParse(text, file);
  }
  const nfdebug = (data: unknown, problems: Problem[]) =>
    done({ file, format: "nfdebug", data, map: yaml.map, problems });
  if (yamlFailed) return nfdebug(undefined, yaml.problems);
  const data = yaml.data;
  if (!isRecord(data)) {
    const at = yaml.map.position([], "value");
    const message =
      "an inventory is a mapping: `hosts:` with a list (nfdebug) or `all:` with hosts and children (Ansible)";
    return nfdebug(data, [{ file, ...at, message }]);
  }
  if (data.plugin !== undefined) return { dynamic: true };
  // A top-level `hosts:` is the nfdebug format (an Ansible group called "hosts" is not worth the
  // confusing messages a misread nfdebug file would get).
  if ("hosts" in data || "defaults" in data || "apiVersion" in data || "kind" in data)
    return nfdebug(data, []);
  const { inventory, problems } = fromAnsibleYaml(yaml);
  return { file, format: "ansible-yaml", inventory, problems };
}

function iniParse(text: string, file: string): AnsibleParse {
  const { inventory, problems } = parseAnsibleIni(text, file);
  return { file, format: "ansible-ini", inventory, problems };
}

function ansibleSource({ file, format, inventory, problems }: AnsibleParse): InventorySource {
  const converted = ansibleDocument(inventory);
  return {
    file,
    format,
    data: converted.data,
    map: converted.map,
    problems: [...problems, ...converted.problems],
  };
}

function unsupported(file: string, message: string): InventorySource {
  const map: SourceMap = { file, position: () => ({ line: 1, col: 1 }), label: () => "" };
  return {
    file,
    format: "ansible-ini",
    data: undefined,
    map,
    problems: [{ file, line: 1, col: 1, message }],
  };
}
