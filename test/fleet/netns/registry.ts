// The record of a running fleet: everything needed to stop it from another process or after a crash.
//
// It is written twice: into the fleet's own dir (scripts/fleet.mjs stop --dir) and into a
// machine-wide registry under /run (the sweeper finds runs whose owner died).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FleetHost } from "./types.js";
import { isAlive } from "./listener.js";

export const REGISTRY_ROOT = "/run/nfd-fleet";
const RUNS = join(REGISTRY_ROOT, "runs");
const STATE_FILE = "fleet-state.json";

export interface StoredHost extends FleetHost {
  hostKeyFile: string;
  /** The host has non-root users whose homes it mounts over /home. */
  mountsHome: boolean;
  /** The socat process, while the host accepts connections. */
  listenerPid?: number;
  cut?: "refuse" | "drop";
  /** The nftables table that makes conntrack track this host has been added. */
  tracked?: boolean;
}

export interface FleetState {
  version: 1;
  runId: string;
  ownerPid: number;
  persistent: boolean;
  dir: string;
  /** The dir did not exist before: stop removes it entirely. */
  dirCreated: boolean;
  hosts: StoredHost[];
  inventoryFile: string;
  knownHostsFile: string;
  hashedKnownHostsFile: string;
  identityFile: string;
  /** Machine-wide resources this run holds (see holds.ts). */
  holds: string[];
  /** nftables table in the initial namespace used by cutOff({mode: "drop"}). */
  dropTable?: string;
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function saveState(state: FleetState): void {
  mkdirSync(RUNS, { recursive: true, mode: 0o700 });
  const text = `${JSON.stringify(state, null, 2)}\n`;
  writeAtomically(join(RUNS, `${state.runId}.json`), text);
  writeAtomically(join(state.dir, STATE_FILE), text);
}

export function forgetState(state: FleetState): void {
  rmSync(join(RUNS, `${state.runId}.json`), { force: true });
  rmSync(join(state.dir, STATE_FILE), { force: true });
}

export function loadStateFromDir(dir: string): FleetState {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) throw new Error(`no fleet in ${dir}: ${STATE_FILE} is missing (stopped already?)`);
  return JSON.parse(readFileSync(file, "utf8")) as FleetState;
}

export function registeredRuns(): FleetState[] {
  let names: string[];
  try {
    names = readdirSync(RUNS).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const states: FleetState[] = [];
  for (const name of names) {
    try {
      states.push(JSON.parse(readFileSync(join(RUNS, name), "utf8")) as FleetState);
    } catch {
      // half-written by a run that died: the sweeper deals with its namespaces by name
    }
  }
  return states;
}

/** A run still counts while its owner lives, or forever when it was started to persist. */
export function isLiveRun(state: FleetState): boolean {
  if (state.persistent) return existsSync(state.dir);
  return state.ownerPid === process.pid || isAlive(state.ownerPid);
}

export function isRegistered(runId: string): boolean {
  try {
    readFileSync(join(RUNS, `${runId}.json`));
    return true;
  } catch {
    return false;
  }
}
