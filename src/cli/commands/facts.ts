// nfdebug facts: current knob state of each host.
import { Command } from "commander";
import { readFacts } from "../../engine/readFacts.js";
import { summarise } from "../../engine/result.js";
import { windowStatus } from "../../engine/status.js";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { factsSummary } from "../render.js";

export function registerFacts(program: Command) {
  addFleetOptions(program.command("facts").description("current knob state of each host")).action(
    async (flags: FleetFlags) => {
      const fleet = await openFleet(flags);
      const outcomes = await fleet.run("facts", async (conn) => {
        const facts = await readFacts(conn, undefined, fleet.timeoutMs);
        return {
          host: conn.host.name,
          ok: true,
          changed: false,
          changes: [],
          error: null,
          facts,
          status: windowStatus(facts),
        };
      });
      const result = summarise("facts", outcomes);
      for (const o of outcomes) if (o.ok) fleet.output.line(factsSummary(o));
      finishFleet(fleet, result);
    },
  );
}
