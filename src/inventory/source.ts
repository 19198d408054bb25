// Reading an inventory file in any supported format into the nfdebug inventory shape, with a
// source map for located problems. Ansible features nfdebug cannot honour are named, not ignored.
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import type { Problem } from "../errors.js";
import type { SourceMap } from "../files/source-map.js";
import { isRecord } from "../files/value-checks.js";
import { parseYaml, readSourceText } from "../files/yaml-source.js";
import { ansibleDocument } from "./ansible-document.js";
import { parseAnsibleIni } from "./ansible-ini.js";
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
const UNSUPPORTED_SCRIPT =
  "executable inventory scripts (dynamic inventory) are not supported by nfdebug; list the hosts in an INI or YAML inventory";
const UNSUPPORTED_VAULT =
  "this file is encrypted with Ansible Vault ($ANSIBLE_VAULT), which nfdebug does not support; decrypt it or write a plain inventory";

/** Reads the file, and for Ansible formats the group_vars/ and host_vars/ beside it. */
export async function readInventorySource(file: string): Promise<InventorySource> {
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    return unsupported(file, "inventory directories are not supported by nfdebug; pass one inventory file");
  }
  const text = await readSourceText(file);
  const executable = info !== undefined && (info.mode & 0o111) !== 0;
  const parsed = parseInventory(text, file, { executable });
  if ("source" in parsed) return parsed.source;
  parsed.problems.push(...(await readVarsDirectories(parsed.inventory)));
  return ansibleSource(parsed);
}

/** From text alone: group_vars/ and host_vars/ are not read. */
export function inventorySource(
  text: string,
  file: string,
  options: { executable?: boolean } = {},
): InventorySource {
  const parsed = parseInventory(text, file, options);
  return "source" in parsed ? parsed.source : ansibleSource(parsed);
}

function parseInventory(
  text: string,
  file: string,
  options: { executable?: boolean },
): { source: InventorySource } | AnsibleParse {
  const done = (source: InventorySource) => ({ source });
  if (/^\s*\$ANSIBLE_VAULT;/.test(text)) return done(unsupported(file, UNSUPPORTED_VAULT));
  if (options.executable && text.startsWith("#!")) return done(unsupported(file, UNSUPPORTED_SCRIPT));
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
  if (data.plugin !== undefined) {
    const at = yaml.map.position(["plugin"], "key");
    const message = `inventory plugins (plugin: ${String(data.plugin)}) are not supported by nfdebug; list the hosts in an INI or YAML inventory`;
    return done({
      file,
      format: "ansible-yaml",
      data: undefined,
      map: yaml.map,
      problems: [{ file, ...at, message }],
    });
  }
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
