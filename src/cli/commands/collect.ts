// nfdebug collect: the kernel log records of a window, per reason, per host, with counters.
// The command line only; ../actions/collect.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";

export function registerCollect(program: Command) {
  addFleetOptions(
    program
      .command("collect")
      .description(
        "kernel log records of a window (default: the open one, else the last): only what is new since the last collect",
      )
      .option("--window <id>", "the window to collect")
      .option("--out <dir>", "write records.jsonl, records/<host>.jsonl and raw/<host>.log there"),
  ).action(async (flags: FleetFlags & { window?: string; out?: string }) => {
    const { collect } = await import("../actions/collect.js");
    await collect(flags);
  });
}
