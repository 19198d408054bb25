// nfdebug run: a runbook, start to finish, leaving an artifact bundle with a report.
// The command line only; ../actions/run.ts does the work and is loaded when the command runs.
import type { Command } from "commander";
import type { RunFlags } from "../actions/run.js";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";
import { noWindowLimitOption } from "../windowOptions.js";

export function registerRun(program: Command) {
  addFleetOptions(
    program
      .command("run")
      .description("run a runbook: apply, trigger or wait, collect, revert (always), report")
      .argument("<runbook>", "runbook YAML")
      .option("--out <dir>", "artifact bundle folder (default ./nfdebug-runs/<runbook>-<timestamp>/)")
      .option(
        "--for <duration>",
        "window length (default: the runbook's window, else the profile's, else 15m)",
      )
      .addOption(noWindowLimitOption())
      .option(
        "--textfile-dir <dir>",
        "node_exporter's textfile directory: hosts where it exists show the open window in nfdebug.prom there (default /var/lib/prometheus/node-exporter; none: off; a host's textfile_dir in the inventory wins)",
      )
      .option("--dry-run", "show the plan and the steps without changing anything"),
  ).action(async (runbookFile: string, flags: FleetFlags & RunFlags) => {
    const { run } = await import("../actions/run.js");
    await run(runbookFile, flags);
  });
}
