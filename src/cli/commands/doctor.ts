// nfdebug doctor: what each host supports, and what to do about what it lacks.
// The command line only; ../actions/doctor.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";

export function registerDoctor(program: Command) {
  addFleetOptions(
    program.command("doctor").description("what each host supports, and how to fix what is missing"),
  ).action(async (flags: FleetFlags) => {
    const { doctor } = await import("../actions/doctor.js");
    await doctor(flags);
  });
}
