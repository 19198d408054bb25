// Leftovers of fleets whose owner died without cleaning up (SIGKILL, a crash, a power cut of the
// test runner). Runs at every startFleet and from `scripts/fleet.mjs sweep`.
import { readFileSync } from "node:fs";
import { isAlive } from "./listener.js";
import { deleteNetnsSync, killPids, listNetns, listProcesses, processesInNetns } from "./namespaces.js";
import { ownerPidOfRun, runIdOfNetns } from "./names.js";
import { isLiveRun, registeredRuns } from "./registry.js";
import { teardownSync } from "./teardown.js";

export interface SweepReport {
  runs: string[];
  namespaces: string[];
  processes: number[];
}

export function sweepStaleFleets(): SweepReport {
  const report: SweepReport = { runs: [], namespaces: [], processes: [] };
  const runs = registeredRuns();
  for (const state of runs.filter((s) => !isLiveRun(s))) {
    teardownSync(state);
    report.runs.push(state.runId);
  }
  const live = runs.filter(isLiveRun);
  const liveIds = new Set(live.map((s) => s.runId));
  const isStale = (runId: string | undefined): boolean =>
    runId !== undefined && !liveIds.has(runId) && !isAlive(ownerPidOfRun(runId));

  // Namespaces of runs that never got registered (or whose record was lost).
  const staleNetns = listNetns().filter((name) => isStale(runIdOfNetns(name)));
  const all = listProcesses();
  const pids = processesInNetns(staleNetns, all).map((p) => p.pid);
  // Listeners of such runs, recognised by their serve script.
  for (const p of all) {
    const script = /EXEC:(\S+\/hosts\/[A-Za-z0-9]+\/serve\.sh)/.exec(p.cmdline)?.[1];
    if (!script || !p.cmdline.startsWith("socat") || live.some((s) => script.startsWith(`${s.dir}/`)))
      continue;
    let netns: string | undefined;
    try {
      netns = /ip netns exec (\S+)/.exec(readFileSync(script, "utf8"))?.[1];
    } catch {
      netns = undefined; // its dir is gone: nobody can use it any more
    }
    if (netns === undefined || isStale(runIdOfNetns(netns))) pids.push(p.pid);
  }
  killPids(pids);
  deleteNetnsSync(staleNetns);
  report.namespaces.push(...staleNetns);
  report.processes.push(...pids);
  return report;
}
