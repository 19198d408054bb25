// Everything a benchmark run starts must stop with it: at the end, on an error, and on Ctrl-C.
// Synchronous on purpose, so the same code runs in the process 'exit' hook.
import { readdirSync, readFileSync, rmSync } from "node:fs";

const groups = new Set<number>();
const paths = new Set<string>();
/** Strings that mark our own detached processes (ssh ControlPersist masters) by their command line. */
const markers = new Set<string>();
let installed = false;

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** A child started with `detached: true` leads its own process group: kill the whole group. */
export function trackGroup(pid: number): void {
  groups.add(pid);
  install();
}
export function untrackGroup(pid: number): void {
  groups.delete(pid);
}

/** A temp file or directory removed at the end. */
export function trackPath(path: string): string {
  paths.add(path);
  install();
  return path;
}

export function trackMarker(marker: string): void {
  markers.add(marker);
  install();
}

/** PIDs of processes whose command line contains `marker`. */
export function pidsByMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "latin1").includes(marker)) found.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return found;
}

function kill(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Kill processes carrying `marker` (used between runs for ssh control masters). */
export function killByMarker(marker: string): void {
  for (const pid of pidsByMarker(marker)) kill(pid);
}

export function cleanupNow(): void {
  for (const pid of groups) kill(-pid);
  groups.clear();
  for (const marker of markers) killByMarker(marker);
  markers.clear();
  for (const path of paths) rmSync(path, { recursive: true, force: true });
  paths.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupNow();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // The namespace fleet has its own handler, which tears the fleet down and re-raises the signal;
  // re-raise only when nobody else is listening.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", cleanupNow);
  for (const s of SIGNALS) process.on(s, onSignal);
}
