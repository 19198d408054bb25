// nfdebug extend: move a window's expiry.
// The command line only; ../actions/extend.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";
import type { ExtendFlags } from "../actions/extend.js";
import { noWindowLimitOption } from "../windowOptions.js";

export function registerExtend(program: Command) {
  addFleetOptions(
    program
      .command("extend")
      .description("move the window's expiry to now + DURATION")
      .requiredOption("--window <id>", "the window to extend")
      .requiredOption("--for <duration>", "new remaining length")
      .addOption(noWindowLimitOption()),
  ).action(async (flags: FleetFlags & ExtendFlags) => {
    const { extend } = await import("../actions/extend.js");
    await extend(flags);
  });
}
