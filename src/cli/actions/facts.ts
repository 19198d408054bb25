// nfdebug facts: current knob state of each host.
import { readFacts } from "../../engine/readFacts.js";
import { summarise, unchangedOutcome } from "../../engine/result.js";
import { windowStatus } from "../../engine/status.js";
import type { FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { factsSummary } from "../render.js";

export async function facts(flags: FleetFlags): Promise<void> {
  const fleet = await openFleet(flags);
  const outcomes = await fleet.run("facts", async (conn) => {
    const facts = await readFacts(conn, undefined, fleet.timeoutMs);
    return unchangedOutcome(conn.host.name, { command: "facts", facts, status: windowStatus(facts) });
  });
  const result = summarise("facts", outcomes);
  for (const o of outcomes) if (o.ok) fleet.output.line(factsSummary(o));
  finishFleet(fleet, result);
}
