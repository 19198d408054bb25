// Removing a fleet, from its recorded state. Synchronous on purpose: the same code runs in the
// process 'exit' hook (where nothing asynchronous can run), in stop(), and in the sweeper.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runSync } from "./command.js";
import { hasLiveHolder, release, type SharedResource } from "./holds.js";
import { deleteNetnsSync, killPids, listNetns, listProcesses, processesInNetns } from "./namespaces.js";
import { forgetState, isRegistered, type FleetState } from "./registry.js";
import { SUDOERS_FILE, allNetnsLogging, fleetSudoers, loginUser, lookupUser } from "./shared-resources.js";
import { hostPaths } from "./host-root.js";
import { removeFleetDir } from "./fleet-dir.js";

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The resource object behind a hold name recorded in the state. */
export function resourceByName(name: string): SharedResource {
  if (name === allNetnsLogging.name) return allNetnsLogging;
  if (name === fleetSudoers.name) return fleetSudoers;
  if (name.startsWith("user-")) return loginUser(name.slice("user-".length));
  throw new Error(`unknown shared resource ${name}`);
}

/** Processes that belong to the run: its listeners and their forks, and anything in its namespaces. */
export function processesOfRun(state: FleetState): number[] {
  const all = listProcesses();
  const scripts = state.hosts.map((h) => hostPaths(h.dir).serveScript);
  const byCommand = all.filter((p) => scripts.some((s) => p.cmdline.includes(s)));
  const inside = processesInNetns(
    state.hosts.map((h) => h.netns),
    all,
  );
  return [...new Set([...byCommand, ...inside].map((p) => p.pid))];
}

function killRunProcesses(state: FleetState): void {
  // Listeners first, so that no new connection forks while we sweep; then repeat until quiet.
  killPids(
    state.hosts
      .flatMap((h) => (h.listenerPid ? [h.listenerPid] : []))
      .filter((pid) => isListenerOf(pid, state)),
  );
  for (let round = 0; round < 50; round++) {
    const pids = processesOfRun(state);
    if (pids.length === 0) return;
    killPids(pids);
    sleepSync(20);
  }
}

/** Guards against killing an unrelated process that reused a listener's pid. */
function isListenerOf(pid: number, state: FleetState): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return (
      cmdline.startsWith("socat") && state.hosts.some((h) => cmdline.includes(hostPaths(h.dir).serveScript))
    );
  } catch {
    return false;
  }
}

/** Remove everything; safe to call twice and on a half-started fleet. */
export function teardownSync(state: FleetState): void {
  killRunProcesses(state);
  if (state.dropTable) runSync(["nft", "delete", "table", "inet", state.dropTable]);
  deleteNetnsSync(state.hosts.map((h) => h.netns));
  for (const hold of [...state.holds].reverse()) {
    try {
      release(resourceByName(hold), state.runId);
    } catch {
      // keep going: the rest must still be removed
    }
  }
  forgetState(state);
  removeFleetDir(state.dir, state.dirCreated);
}

/** What of the run is still there; [] after a complete teardown. Tests assert on this. */
export function leftovers(state: FleetState): string[] {
  const found: string[] = [];
  const prefix = `nfd-${state.runId}-`;
  for (const name of listNetns()) if (name.startsWith(prefix)) found.push(`netns ${name}`);
  for (const pid of processesOfRun(state)) found.push(`process ${pid}`);
  for (const file of ["/proc/self/mountinfo", "/proc/1/mountinfo"]) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.includes(prefix) || line.includes(`${state.dir}/`) || line.includes(` ${state.dir} `)) {
        found.push(`mount ${line}`);
      }
    }
  }
  if (state.dropTable && runSync(["nft", "list", "table", "inet", state.dropTable]).code === 0) {
    found.push(`nft table ${state.dropTable}`);
  }
  if (isRegistered(state.runId)) found.push(`registry entry ${state.runId}`);
  if (existsSync(join(state.dir, "fleet-state.json"))) found.push(`state file in ${state.dir}`);
  if (state.dirCreated && existsSync(state.dir)) found.push(`dir ${state.dir}`);
  for (const hold of state.holds) {
    if (hasLiveHolder(hold, state.runId)) continue; // another fleet still needs it
    if (hold.startsWith("user-") && lookupUser(hold.slice(5))) found.push(`user ${hold.slice(5)}`);
    if (hold === fleetSudoers.name && existsSync(SUDOERS_FILE)) found.push(`file ${SUDOERS_FILE}`);
  }
  return found;
}
