// nfdebug doctor: what each host supports, and what to do about what it lacks.
import type { Command } from "commander";
import { diagnose } from "../../engine/doctor.js";
import { readFacts } from "../../engine/readFacts.js";
import { summarise } from "../../engine/result.js";
import { addFleetOptions, type FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";

export function registerDoctor(program: Command) {
  addFleetOptions(
    program.command("doctor").description("what each host supports, and how to fix what is missing"),
  ).action(async (flags: FleetFlags) => {
    const fleet = await openFleet(flags);
    const outcomes = await fleet.run("doctor", async (conn) => {
      const facts = await readFacts(conn, undefined, fleet.timeoutMs);
      return {
        host: conn.host.name,
        ok: true,
        changed: false,
        changes: [],
        error: null,
        capabilities: diagnose(facts, conn.host.become),
      };
    });
    for (const o of outcomes) {
      if (!o.ok) continue;
      fleet.output.line(`${o.host}`);
      for (const c of o.capabilities as ReturnType<typeof diagnose>) {
        fleet.output.line(
          `  ${c.ok ? "ok  " : "MISS"} ${c.name.padEnd(20)} ${c.value}${c.fix ? `\n       -> ${c.fix}` : ""}`,
        );
      }
    }
    finishFleet(fleet, summarise("doctor", outcomes));
  });
}
