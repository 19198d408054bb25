// nfdebug extend: move a window's expiry.
import { extendHost } from "../../engine/extend.js";
import { summarise } from "../../engine/result.js";
import { type FleetFlags, durationOption } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { extendLine } from "../render.js";
import { checkWindowId, checkWindowLength } from "../windowOptions.js";
import { appendHistory } from "../../audit/history.js";
import { extendHistory } from "../../audit/events.js";

export interface ExtendFlags {
  window: string;
  for: string;
  /** false with --no-limit. */
  windowLimit?: boolean;
}

export async function extend(flags: FleetFlags & ExtendFlags): Promise<void> {
  const window = checkWindowId(flags.window) as string;
  const ms = checkWindowLength(durationOption("for", flags.for), "--for", flags.windowLimit);
  const fleet = await openFleet(flags);
  const outcomes = await fleet.run("extend", (conn) =>
    extendHost(conn, window, Math.max(1, Math.round(ms / 1000)), fleet.timeoutMs),
  );
  for (const o of outcomes) if (o.ok) fleet.output.line(extendLine(o));
  appendHistory(extendHistory(outcomes, { window }), { warn: fleet.output.warn });
  finishFleet(fleet, summarise("extend", outcomes, window));
}
