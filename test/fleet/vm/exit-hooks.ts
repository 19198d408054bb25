// A VM booted by a test must not outlive the test process: normal exit, a thrown error, Ctrl-C or
// SIGTERM end it here (SIGKILL of the test is covered by qemu's parent-death signal, see qemu.ts).
import { rmSync } from "node:fs";
import { isQemuOf } from "./qemu.js";

interface LiveBoot {
  pid: number;
  overlayFile: string;
  runDir: string;
}

const live = new Map<string, LiveBoot>();
let installed = false;
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Kill qemu at once (nothing asynchronous runs in an exit hook) and remove the boot's files. */
export function destroyBootSync(boot: LiveBoot): void {
  if (isQemuOf(boot.pid, boot.overlayFile)) {
    try {
      process.kill(boot.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(boot.runDir, { recursive: true, force: true });
}

function destroyAll(): void {
  for (const boot of live.values()) {
    try {
      destroyBootSync(boot);
    } catch {
      // one broken boot must not keep the others alive
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  destroyAll();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // Die of the same signal, as if we had not been here.
  process.kill(process.pid, signal);
}

export function destroyOnExit(boot: LiveBoot): void {
  if (!installed) {
    installed = true;
    process.on("exit", destroyAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  live.set(boot.runDir, boot);
}

export function forgetOnExit(runDir: string): void {
  live.delete(runDir);
}
