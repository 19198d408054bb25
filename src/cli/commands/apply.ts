// nfdebug apply: open a debug window on every host. The command line only; ../actions/apply.ts
// does the work and is loaded when the command runs.
import type { Command } from "commander";
import type { ApplyFlags } from "../actions/apply.js";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";
import { noWindowLimitOption } from "../windowOptions.js";

export function registerApply(program: Command) {
  addFleetOptions(
    program
      .command("apply")
      .description(
        "open a debug window: apply the profile, journal originals, arm the host-side revert timer",
      )
      .argument("<profile>", "debug profile YAML")
      .option("--for <duration>", "window length (default: the profile's window, else 15m)")
      .addOption(noWindowLimitOption())
      .option("--serial <n|n%>", "at most this many hosts in flight; the next starts as soon as one finishes")
      .option("--canary <n>", "apply to the first N hosts, then ask before going on")
      .option(
        "--canary-settle <duration>",
        "with --canary: go on only if no canary trips its log budget within this time (else stop and revert)",
      )
      .option("--yes", "do not ask for confirmation after the canary hosts")
      .option("--max-fail <n|n%>", "stop when more hosts than this fail, and revert the hosts changed so far")
      .option(
        "--keep-on-abort",
        "when the rollout stops, leave changed hosts as they are (their timers still revert them)",
      )
      .option(
        "--textfile-dir <dir>",
        "node_exporter's textfile directory: hosts where it exists show the open window in nfdebug.prom there (default /var/lib/prometheus/node-exporter; none: off; a host's textfile_dir in the inventory wins)",
      )
      .option(
        "--no-timer",
        "open the window without a dead-man's switch on hosts that cannot arm one (no systemd-run, no setsid): only a revert ends it",
      )
      .addHelpText(
        "after",
        "\nA host whose connection drops (or times out) during apply is reported failed. The apply may still\n" +
          "finish there, so nfdebug reconnects once and cancels the window on that host: it reverts it, or\n" +
          "stops it from beginning. If the host cannot be reached, its own timer reverts the window at expiry.",
      ),
  ).action(async (profileFile: string, flags: FleetFlags & ApplyFlags) => {
    const { apply } = await import("../actions/apply.js");
    await apply(profileFile, flags);
  });
}
