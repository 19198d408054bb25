// A fleet started by a test must not outlive the test process, however it ends: normal exit,
// a thrown error, Ctrl-C or SIGTERM (SIGKILL is left to the sweeper on the next start).
import type { FleetState } from "./registry.js";
import { teardownSync } from "./teardown.js";

const live = new Map<string, FleetState>();
let installed = false;

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function tearDownAll(): void {
  for (const state of live.values()) {
    try {
      teardownSync(state);
    } catch {
      // one broken fleet must not keep the others alive
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  tearDownAll();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // Die of the same signal, as if we had not been here.
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", tearDownAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

/** Tear this fleet down when the process ends, unless it was stopped before. */
export function tearDownOnExit(state: FleetState): void {
  install();
  live.set(state.runId, state);
}

export function forgetOnExit(state: FleetState): void {
  live.delete(state.runId);
}
