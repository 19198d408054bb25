// nfdebug apply: open a debug window on every host.
import { Command, Option } from "commander";
import { InputError } from "../../errors.js";
import { formatDuration } from "../../duration.js";
import { applyHost } from "../../engine/apply.js";
import { summarise } from "../../engine/result.js";
import { DEFAULT_WINDOW_MS, MAX_WINDOW_MS, newWindowId, windowOwner } from "../../engine/window.js";
import { loadProfileFile } from "../files.js";
import { addFleetOptions, type FleetFlags, durationOption } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { changeLines } from "../render.js";

/** `--no-limit` would share commander's "limit" attribute with -l/--limit: store it elsewhere. */
export function noWindowLimitOption(): Option {
  const option = new Option("--no-limit", "allow windows longer than 24h");
  option.attributeName = () => "windowLimit";
  return option;
}

export function registerApply(program: Command) {
  addFleetOptions(
    program
      .command("apply")
      .description("open a debug window: apply the profile, journal originals, arm the host-side revert timer")
      .argument("<profile>", "debug profile YAML")
      .option("--for <duration>", "window length (default: the profile's window, else 15m)")
      .addOption(noWindowLimitOption()),
  ).action(async (profileFile: string, flags: FleetFlags & { for?: string; windowLimit?: boolean }) => {
    const profile = await loadProfileFile(profileFile);
    const windowMs = flags.for ? durationOption("for", flags.for) : (profile.windowMs ?? DEFAULT_WINDOW_MS);
    if (windowMs > MAX_WINDOW_MS && (flags as { windowLimit?: boolean }).windowLimit !== false)
      throw new InputError(`--for ${formatDuration(windowMs)} is longer than 24h; add --no-limit if you mean it`);
    const window = newWindowId();
    const fleet = await openFleet(flags);
    const outcomes = await fleet.run("apply", (conn) =>
      applyHost(conn, {
        profile,
        window,
        owner: windowOwner(),
        windowSeconds: Math.max(1, Math.round(windowMs / 1000)),
        timeoutMs: fleet.timeoutMs,
      }),
    );
    for (const o of outcomes) {
      if (!o.ok) continue;
      const state = o.changed ? `window ${o.window} open until ${o.expires}` : String(o.message ?? "no changes");
      fleet.output.line(`${o.host}: ${state}`);
      for (const l of changeLines(o.changes)) fleet.output.line(`  ${l}`);
    }
    finishFleet(fleet, summarise("apply", outcomes, window));
  });
}
