// What each side's commands cost on the host itself (the hosts share the controller's cores):
// nfdebug's three scripts run with `sh -s` inside a host, the floor's `sysctl -w`, and sshd's own
// start for one connection, each under GNU time.
import type { Fleet } from "../../test/fleet/netns/types.js";
import { APPLIED, START, setValues, sysctlAssignments } from "../hostState.js";
import { median } from "../measure/stats.js";
import { parseTimeOutput } from "../measure/timedProcess.js";
import type { ScriptKind } from "../sim/recordedOutputs.js";

async function cpuMsInHost(fleet: Fleet, argv: string[], input?: string): Promise<number> {
  const r = await fleet.nsRun(fleet.hosts[0], ["/usr/bin/time", "-f", "%U %S %M", ...argv], { input });
  if (r.code !== 0) throw new Error(`${argv.join(" ")} in host: exit ${r.code}: ${r.stderr}`);
  return parseTimeOutput(r.stderr).cpuS * 1000;
}

export interface HostCost {
  /** CPU ms on the host for each nfdebug script, and for the floor's command (apply + revert). */
  nfdebugMs: Record<ScriptKind, number>;
  floorApplyMs: number;
  floorRevertMs: number;
}

export async function hostCost(
  fleet: Fleet,
  scripts: Record<ScriptKind, string>,
  runs = 7,
): Promise<HostCost> {
  const samples: Record<string, number[]> = {
    facts: [],
    apply: [],
    revert: [],
    floorApply: [],
    floorRevert: [],
  };
  for (let i = 0; i < runs; i++) {
    await setValues(fleet, START);
    samples.facts.push(await cpuMsInHost(fleet, ["sh", "-s"], scripts.facts));
    samples.apply.push(await cpuMsInHost(fleet, ["sh", "-s"], scripts.apply));
    samples.revert.push(await cpuMsInHost(fleet, ["sh", "-s"], scripts.revert));
    samples.floorApply.push(await cpuMsInHost(fleet, ["sysctl", "-w", ...sysctlAssignments(APPLIED)]));
    samples.floorRevert.push(await cpuMsInHost(fleet, ["sysctl", "-w", ...sysctlAssignments(START)]));
  }
  return {
    nfdebugMs: { facts: median(samples.facts), apply: median(samples.apply), revert: median(samples.revert) },
    floorApplyMs: median(samples.floorApply),
    floorRevertMs: median(samples.floorRevert),
  };
}
