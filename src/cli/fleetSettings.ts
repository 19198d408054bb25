// Fills a fleet command's options from the environment and config files (../config/), before
// its action runs: flags keep precedence, and the action sees one set of flags as before.
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { SETTINGS } from "../config/settings.js";
import {
  readConfigFiles,
  resolveSettings,
  type ResolvedSetting,
  type SettingValue,
} from "../config/resolve.js";

export async function commandSettings(cmd: Command): Promise<ResolvedSetting[]> {
  const flags = new Map<string, SettingValue>();
  const defaults = new Map<string, SettingValue>();
  const values = cmd.opts<Record<string, SettingValue | undefined>>();
  for (const s of SETTINGS) {
    const value = values[s.key];
    if (value === undefined) continue;
    const source = cmd.getOptionValueSource(s.key);
    if (source === "cli") flags.set(s.key, value);
    else if (source === "default") defaults.set(s.key, value);
  }
  return resolveSettings({ flags, defaults, env: process.env, ...(await readConfigFiles()) });
}

/** preAction hook of every fleet command. */
export async function applyFleetSettings(cmd: Command): Promise<void> {
  const settings = await commandSettings(cmd);
  for (const s of settings) {
    if (s.source.kind === "env" || s.source.kind === "file")
      cmd.setOptionValueWithSource(s.key, s.value, s.source.kind === "env" ? "env" : "config");
  }
  // Options still at their built-in default: ssh_config may override those per host (./connect.ts).
  const defaulted = SETTINGS.map((s) => s.key).filter((key) => cmd.getOptionValueSource(key) === "default");
  cmd.setOptionValue("defaulted", defaulted);
  if (cmd.opts<{ inventory?: string }>().inventory === undefined)
    throw new InputError(
      "no inventory: pass -i/--inventory, set NFDEBUG_INVENTORY, put inventory: in ./nfdebug.yaml, or set ANSIBLE_INVENTORY",
    );
}
