// nfdebug facts: current knob state of each host.
// The command line only; ../actions/facts.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";

export function registerFacts(program: Command) {
  addFleetOptions(program.command("facts").description("current knob state of each host")).action(
    async (flags: FleetFlags) => {
      const { facts } = await import("../actions/facts.js");
      await facts(flags);
    },
  );
}
