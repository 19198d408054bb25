// The run directory of one boot and the state file that lets another process re-attach to it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Accelerator } from "./types.js";

/** Printed by `systemctl is-system-running` once boot finished (degraded: some unit failed). */
export const SETTLED = /^(running|degraded)$/m;

export interface VmState {
  pid: number;
  port: number;
  accelerator: Accelerator;
  identityFile: string;
  overlayFile: string;
  bootSeconds: number;
  persistent: boolean;
}

export function runPaths(runDir: string) {
  return {
    state: join(runDir, "state.json"),
    overlayFile: join(runDir, "overlay.qcow2"),
    consoleLog: join(runDir, "console.log"),
    qemuLog: join(runDir, "qemu.log"),
  };
}

export function readState(runDir: string): VmState | undefined {
  try {
    return JSON.parse(readFileSync(runPaths(runDir).state, "utf8")) as VmState;
  } catch {
    return undefined;
  }
}

export function writeState(runDir: string, state: VmState): void {
  writeFileSync(runPaths(runDir).state, `${JSON.stringify(state, null, 2)}\n`);
}
