// nfdebug revert: restore exactly what the window changed.
import { summarise } from "../../engine/result.js";
import { revertHost } from "../../engine/revert.js";
import type { FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { changeLines, revertLine } from "../render.js";
import { appendHistory } from "../../audit/history.js";
import { revertHistory } from "../../audit/events.js";
import { checkWindowId } from "../windowOptions.js";

export async function revert(flags: FleetFlags & { window?: string; force?: boolean }): Promise<void> {
  const window = checkWindowId(flags.window);
  const fleet = await openFleet(flags);
  const outcomes = await fleet.run("revert", (conn) =>
    revertHost(conn, { force: flags.force === true, window, timeoutMs: fleet.timeoutMs }),
  );
  for (const o of outcomes) {
    if (!o.ok) continue;
    fleet.output.line(revertLine(o));
    for (const l of changeLines(o.changes)) fleet.output.line(`  ${l}`);
  }
  appendHistory(revertHistory(outcomes, { window }), { warn: fleet.output.warn });
  finishFleet(fleet, summarise("revert", outcomes, window));
}
