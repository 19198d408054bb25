// nfdebug revert: restore exactly what the window changed.
// The command line only; ../actions/revert.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";

export function registerRevert(program: Command) {
  addFleetOptions(
    program
      .command("revert")
      .description("restore exactly what the open window changed, and disarm its timer")
      .option("--window <id>", "only revert this window")
      .option("--force", "also restore values someone else changed since apply (drift)"),
  ).action(async (flags: FleetFlags & { window?: string; force?: boolean }) => {
    const { revert } = await import("../actions/revert.js");
    await revert(flags);
  });
}
