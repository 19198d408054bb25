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
      .option("--out <dir>", "write records.jsonl, records/<host>.jsonl and raw/<host>.log there")
      .addHelpText(
        "after",
        "\nOn hosts read through /dev/kmsg, a window's start and end are lines nfdebug writes into the\n" +
          'kernel log ("nfdebug: window ID start NONCE", "... end NONCE"): dmesg on the host shows them.\n' +
          "collect reads the lines between them and never reports them as records.",
      ),
  ).action(async (flags: FleetFlags & { window?: string; out?: string }) => {
    const { collect } = await import("../actions/collect.js");
    await collect(flags);
  });
}
