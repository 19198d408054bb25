// nfdebug extend: move a window's expiry.
import { InputError } from "../../errors.js";
import { extendHost } from "../../engine/extend.js";
import { summarise } from "../../engine/result.js";
import { MAX_WINDOW_MS } from "../../engine/window.js";
import { formatDuration } from "../../duration.js";
import { type FleetFlags, durationOption } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { checkWindowId } from "./revert.js";
import { appendHistory } from "../../audit/history.js";
import { extendHistory } from "../../audit/events.js";
import type { ExtendFlags } from "../commands/extend.js";

export async function extend(flags: FleetFlags & ExtendFlags): Promise<void> {
  const window = checkWindowId(flags.window) as string;
  const ms = durationOption("for", flags.for);
  if (ms > MAX_WINDOW_MS && flags.windowLimit !== false)
    throw new InputError(`--for ${formatDuration(ms)} is longer than 24h; add --no-limit if you mean it`);
  const fleet = await openFleet(flags);
  const outcomes = await fleet.run("extend", (conn) =>
    extendHost(conn, window, Math.max(1, Math.round(ms / 1000)), fleet.timeoutMs),
  );
  for (const o of outcomes) if (o.ok) fleet.output.line(`${o.host}: ${o.message ?? `expires ${o.expires}`}`);
  appendHistory(extendHistory(outcomes, { window }), { warn: fleet.output.warn });
  finishFleet(fleet, summarise("extend", outcomes, window));
}
