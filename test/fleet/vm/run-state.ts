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
    /** qemu's human monitor, for a system_reset when a reboot hangs (BootedVm.reboot). */
    monitorSocket: join(runDir, "monitor.sock"),
  };
}

/** The last lines of a log file of the run ("(none)" when it cannot be read). */
export function fileTail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(none)";
  }
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
