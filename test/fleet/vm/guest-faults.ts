// A guest kernel that oopsed under emulation: found in its console, shown from its first line, and
// recorded (as is a guest that stopped answering, booted-vm.ts) for the test runner, which runs a
// VM test file again, once, when its guest failed this way (scripts/run-tests.mjs). Nothing nfdebug
// does to a host should oops a kernel or hang it; an emulator fault can.
import { appendFileSync, readFileSync } from "node:fs";
import { fileTail } from "./run-state.js";

/** The first line of a kernel oops or panic on the console (6.1 and 6.12 spellings). */
const OOPS_START =
  /^\[\s*\d+\.\d+\] (?:Oops: |BUG: |int3: |general protection fault|invalid opcode: |Kernel panic - not syncing)/m;
const EXCERPT_LINES = 40;
const PANIC = /Kernel panic - not syncing/;

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

/** True once the guest kernel panicked: it will never answer again. */
export function guestPanicked(consoleLog: string): boolean {
  return PANIC.test(fileTail(consoleLog, 60));
}

/** Names the file where the runner collects guest faults (set by scripts/run-tests.mjs). */
export const FAULT_LOG_ENV = "NFDEBUG_VM_FAULT_LOG";

/** Appends the oops to the runner's fault log, when the runner asked for one. */
export function recordGuestFault(what: string, oops: string): void {
  const file = process.env[FAULT_LOG_ENV];
  if (file) appendFileSync(file, `${what}\n${oops}\n\n`);
}
