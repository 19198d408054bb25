// nfdebug plan: what apply would change, per host.
// The command line only; ../actions/plan.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";

export function registerPlan(program: Command) {
  addFleetOptions(
    program
      .command("plan")
      .description("what apply would change, per host")
      .argument("<profile>", "debug profile YAML")
      .option(
        "--no-timer",
        "plan as apply --no-timer would: a host need not be able to arm a dead-man's switch",
      ),
  ).action(async (profileFile: string, flags: FleetFlags & { timer?: boolean }) => {
    const { plan } = await import("../actions/plan.js");
    await plan(profileFile, flags);
  });
}
