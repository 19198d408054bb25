// nfdebug doctor: what each host supports, and what to do about what it lacks.
import { diagnose } from "../../engine/doctor.js";
import { readFacts } from "../../engine/readFacts.js";
import { summarise, unchangedOutcome } from "../../engine/result.js";
import type { FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";

export async function doctor(flags: FleetFlags): Promise<void> {
  const fleet = await openFleet(flags);
  const outcomes = await fleet.run("doctor", async (conn) => {
    const facts = await readFacts(conn, undefined, fleet.timeoutMs);
    return unchangedOutcome(conn.host.name, {
      command: "doctor",
      capabilities: diagnose(facts, conn.host.become),
    });
  });
  for (const o of outcomes) {
    if (!o.ok) continue;
    fleet.output.line(`${o.host}`);
    for (const c of o.capabilities) {
      fleet.output.line(
        `  ${c.ok ? "ok  " : "MISS"} ${c.name.padEnd(20)} ${c.value}${c.fix ? `\n       -> ${c.fix}` : ""}`,
      );
    }
  }
  finishFleet(fleet, summarise("doctor", outcomes));
}
