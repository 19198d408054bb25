// nfdebug status: open windows across the fleet, and how the last ones ended.
import { formatDuration } from "../../duration.js";
import { readFacts } from "../../engine/readFacts.js";
import { summarise, unchangedOutcome } from "../../engine/result.js";
import { describeTrip, windowStatus, type WindowStatus } from "../../engine/status.js";
import type { FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";

/** ", budget 2000/s or 5,000,000 lines: 1,234 lines counted", or why the host cannot enforce it. */
function budgetText(b: NonNullable<WindowStatus["open"]>["budget"]): string {
  if (!b) return "";
  const limits = `budget ${b.max_rate} or ${b.max_lines.toLocaleString("en-US")} lines`;
  if (b.unenforced) return `, ${limits} NOT ENFORCED: ${b.unenforced}`;
  if (b.lines_counted === undefined) return `, ${limits} (sampler not started yet)`;
  return `, ${limits}: ${b.lines_counted.toLocaleString("en-US")} kernel log lines counted`;
}

export function describeStatus(s: WindowStatus, host = "this host"): string {
  if (s.open) {
    const left = s.open.expires_in_s;
    const when =
      left >= 0
        ? `expires in ${formatDuration(left * 1000)}`
        : `expired ${formatDuration(-left * 1000)} ago, not yet reverted`;
    const held = s.open.left?.length
      ? `; left changed: ${s.open.left.join(", ")} (revert --force tries again)`
      : "";
    return `window ${s.open.id} open (${s.open.state}), profile ${s.open.profile}, owner ${s.open.owner}, ${when}, timer ${s.open.timer}${budgetText(s.open.budget)}${held}`;
  }
  if (!s.last) return "no window";
  if (s.last.trip) return `no open window; last ${s.last.id}: ${describeTrip(host, s.last.trip)}; reverted`;
  const how: Record<string, string> = {
    reverted: "reverted",
    expired: "expired and reverted",
    tripped: "tripped its log budget and was reverted",
    cancelled: "reverted by its controller after the apply's connection dropped",
    reboot: "ended by reboot (knobs back to boot defaults; nothing written)",
  };
  return `no open window; last ${s.last.id} ${how[s.last.how] ?? s.last.how} ${s.last.how === "reboot" ? "" : `at ${s.last.ended}`}`.trim();
}

export async function status(flags: FleetFlags): Promise<void> {
  const fleet = await openFleet(flags);
  const outcomes = await fleet.run("status", async (conn) => {
    const facts = await readFacts(conn, undefined, fleet.timeoutMs);
    const status = windowStatus(facts);
    return unchangedOutcome(conn.host.name, { command: "status", window: status.open, last: status.last });
  });
  for (const o of outcomes)
    if (o.ok) fleet.output.line(`${o.host}: ${describeStatus({ open: o.window, last: o.last }, o.host)}`);
  finishFleet(fleet, summarise("status", outcomes));
}
