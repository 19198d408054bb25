// nfdebug plan: what apply would change, per host.
import { planHost, planOutcome } from "../../engine/plan.js";
import { readFacts } from "../../engine/readFacts.js";
import { summarise } from "../../engine/result.js";
import { loadProfileFile } from "../files.js";
import type { FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { planByKernel } from "../planByKernel.js";
import { changeLines } from "../render.js";

export async function plan(profileFile: string, flags: FleetFlags & { timer?: boolean }): Promise<void> {
  const profile = await loadProfileFile(profileFile);
  const fleet = await openFleet(flags);
  const kernelOf = new Map<string, string>();
  const outcomes = await fleet.run("plan", async (conn) => {
    const facts = await readFacts(conn, profile, fleet.timeoutMs);
    kernelOf.set(conn.host.name, facts.kernel);
    return {
      ...planOutcome(conn.host.name, planHost(profile, facts, { noTimer: flags.timer === false })),
      kernel: facts.kernel,
    };
  });
  for (const o of outcomes) {
    if (!o.ok) continue;
    fleet.output.line(
      `${o.host}: ${o.changes.length === 0 ? "no changes" : `${o.changes.length} change(s)`}`,
    );
    for (const l of changeLines(o.changes)) fleet.output.line(`  ${l}`);
    for (const n of o.notes ?? []) fleet.output.line(`  = ${n}`);
    for (const w of o.warnings ?? []) fleet.output.warn(`${o.host}: warning: ${w}`);
  }
  for (const l of planByKernel(outcomes, kernelOf)) fleet.output.line(l);
  finishFleet(fleet, summarise("plan", outcomes));
}
