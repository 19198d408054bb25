// nfdebug status: open windows across the fleet, and how the last ones ended.
// The command line only; ../actions/status.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";

export function registerStatus(program: Command) {
  addFleetOptions(program.command("status").description("open windows across the fleet")).action(
    async (flags: FleetFlags) => {
      const { status } = await import("../actions/status.js");
      await status(flags);
    },
  );
}
