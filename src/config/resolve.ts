// Where each fleet option's value comes from: flag > NFDEBUG_<OPTION> > ./nfdebug.yaml > the
// user's config.yaml > the built-in default; the inventory falls back to ANSIBLE_INVENTORY last
// (a variable set for Ansible yields to anything set for nfdebug). Values from the environment and from files are
// checked like flags, and a bad one is named by its variable or its file:line:col.
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { SETTINGS, checkValue, envName, switchValue, type Setting } from "./settings.js";
import { projectConfigFile, readConfigFile, userConfigFile, type FileValues } from "./files.js";

export type SettingValue = string | string[] | boolean;

export type SettingSource =
  | { kind: "flag" }
  | { kind: "env"; name: string }
  | { kind: "file"; file: string; line: number }
  | { kind: "default" }
  | { kind: "unset" };

export interface ResolvedSetting {
  option: string;
  key: string;
  value: SettingValue | undefined;
  source: SettingSource;
}

export interface SettingInputs {
  /** Values given on the command line, by commander key. */
  flags: ReadonlyMap<string, SettingValue>;
  /** Commander's defaults, by key. */
  defaults: ReadonlyMap<string, SettingValue>;
  env: NodeJS.ProcessEnv;
  project: FileValues;
  user: FileValues;
}

function fromEnv(s: Setting, text: string): SettingValue {
  const name = envName(s);
  if (s.kind === "switch") {
    const on = switchValue(text);
    if (on === undefined) throw new InputError(`${name}: "${text}" is not a switch (1, true, 0, false)`);
    return on;
  }
  try {
    checkValue(s, text);
  } catch (err) {
    throw new InputError(`${name}: ${(err as Error).message}`);
  }
  // Several identity files, as in a PATH: separated by colons.
  return s.kind === "paths" ? text.split(":").filter(Boolean) : text;
}

export function resolveSettings(inputs: SettingInputs): ResolvedSetting[] {
  return SETTINGS.map((s) => {
    const at = { option: s.option, key: s.key };
    const flag = inputs.flags.get(s.key);
    if (flag !== undefined) return { ...at, value: flag, source: { kind: "flag" } };
    const text = inputs.env[envName(s)];
    if (text !== undefined)
      return { ...at, value: fromEnv(s, text), source: { kind: "env", name: envName(s) } };
    for (const file of [inputs.project, inputs.user]) {
      const v = file.get(s.option);
      if (v) return { ...at, value: v.value, source: { kind: "file", file: v.file, line: v.line } };
    }
    const ansible = s.key === "inventory" ? ansibleInventory(inputs.env) : undefined;
    if (ansible !== undefined)
      return { ...at, value: ansible, source: { kind: "env", name: ANSIBLE_INVENTORY } };
    const fallback = inputs.defaults.get(s.key);
    if (fallback !== undefined) return { ...at, value: fallback, source: { kind: "default" } };
    return { ...at, value: undefined, source: { kind: "unset" } };
  });
}

const ANSIBLE_INVENTORY = "ANSIBLE_INVENTORY";

/**
 * Ansible's list of inventory sources, separated by commas. nfdebug reads one source (a directory
 * may hold several), so a list of more is refused rather than cut short.
 */
function ansibleInventory(env: NodeJS.ProcessEnv): string | undefined {
  const sources = (env[ANSIBLE_INVENTORY] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (sources.length > 1) {
    throw new InputError(
      `${ANSIBLE_INVENTORY} names ${sources.length} inventory sources (${sources.join(", ")}); nfdebug reads one: pass -i with one of them, or a directory holding them all`,
    );
  }
  const [source] = sources;
  return source?.startsWith("~/") ? join(homedir(), source.slice(2)) : source;
}

/** Reads the two config files of this process (cwd, XDG_CONFIG_HOME/HOME). */
export async function readConfigFiles(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<{ project: FileValues; user: FileValues }> {
  const user = await readConfigFile(userConfigFile(env));
  const project = await readConfigFile(projectConfigFile(cwd));
  return { project, user };
}

export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case "flag":
      return "flag";
    case "env":
      return `env ${source.name}`;
    case "file":
      return `${source.file}:${source.line}`;
    case "default":
      return "default";
    case "unset":
      return "not set";
  }
}
