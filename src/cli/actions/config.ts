// nfdebug config: prints the effective fleet settings, one per line with its source, or as JSON.
import type { Command } from "commander";
import { describeSource } from "../../config/resolve.js";
import { commandSettings } from "../fleetSettings.js";

export async function config(cmd: Command): Promise<void> {
  const all = await commandSettings(cmd);
  const settings = all.filter((s) => s.option !== "json");
  if (all.find((s) => s.option === "json")?.value === true) {
    const out = Object.fromEntries(
      settings.map((s) => [s.option, { value: s.value ?? null, source: describeSource(s.source) }]),
    );
    process.stdout.write(`${JSON.stringify({ settings: out }, null, 2)}\n`);
    return;
  }
  const width = Math.max(...settings.map((s) => s.option.length));
  for (const s of settings) {
    const value = s.value === undefined ? "-" : Array.isArray(s.value) ? s.value.join(", ") : String(s.value);
    process.stdout.write(`${s.option.padEnd(width)}  ${value}  (${describeSource(s.source)})\n`);
  }
}
