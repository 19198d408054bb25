// A guest kernel that oopsed under emulation: found in its console, shown from its first line, and
// recorded for the test runner, which runs a VM test file again, once, when its guest died this way
// (scripts/run-tests.mjs). Nothing nfdebug does to a host should oops a kernel; an emulator fault can.
import { appendFileSync, readFileSync } from "node:fs";

/** The first line of a kernel oops or panic on the console (6.1 and 6.12 spellings). */
const OOPS_START =
  /^\[\s*\d+\.\d+\] (?:Oops: |BUG: |int3: |general protection fault|invalid opcode: |Kernel panic - not syncing)/m;
const EXCERPT_LINES = 40;

/** The console from the first oops line on (at most 40 lines), or undefined when the guest never oopsed. */
export function guestOops(consoleLog: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(consoleLog, "utf8");
  } catch {
    return undefined;
  }
  const start = OOPS_START.exec(text);
  if (!start) return undefined;
  return text.slice(start.index).trimEnd().split("\n").slice(0, EXCERPT_LINES).join("\n");
}

/** Names the file where the runner collects guest faults (set by scripts/run-tests.mjs). */
export const FAULT_LOG_ENV = "NFDEBUG_VM_FAULT_LOG";

/** Appends the oops to the runner's fault log, when the runner asked for one. */
export function recordGuestFault(what: string, oops: string): void {
  const file = process.env[FAULT_LOG_ENV];
  if (file) appendFileSync(file, `${what}\n${oops}\n\n`);
}
