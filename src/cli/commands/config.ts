// nfdebug config: the effective fleet settings and where each one comes from.
// The command line only; ../actions/config.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import { defineFleetOptions } from "../fleetOptions.js";

export function registerConfig(program: Command) {
  defineFleetOptions(
    program
      .command("config")
      .description(
        "effective fleet settings and where each comes from (flag, env NFDEBUG_*, ./nfdebug.yaml, ~/.config/nfdebug/config.yaml, default)",
      ),
  ).action(async (_flags: unknown, cmd: Command) => {
    const { config } = await import("../actions/config.js");
    await config(cmd);
  });
}
