// What a real host printed for the three scripts an apply + revert sends (facts, apply, revert),
// recorded by sim/record.ts from a namespace test host, and how the simulated hosts replay it.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface RecordedOutput {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface Recording {
  recordedAt: string;
  kernel: string;
  /** The window id the apply used, replaced by each replay's own. */
  window: string;
  facts: RecordedOutput;
  apply: RecordedOutput;
  revert: RecordedOutput;
}

/** Kept in the source tree (dist/bench/sim/x.js → bench/sim/recorded-outputs.json). */
export const RECORDING_FILE = fileURLToPath(
  new URL("../../../bench/sim/recorded-outputs.json", import.meta.url),
);

export function loadRecording(file = RECORDING_FILE): Recording {
  return JSON.parse(readFileSync(file, "utf8")) as Recording;
}

export function saveRecording(recording: Recording, file = RECORDING_FILE): void {
  writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`);
}

export type ScriptKind = "facts" | "apply" | "revert";

/** Which of nfdebug's host scripts this is (see src/engine/host/scripts.ts). */
export function scriptKind(script: string): ScriptKind | undefined {
  if (/^nfd_commit\s*$/m.test(script)) return "apply";
  if (script.includes('exec sh "$J/revert.sh"')) return "revert";
  if (script.includes('nfd_emit "facts${TAB}1"')) return "facts";
  return undefined;
}

/** The window id in the apply script's `nfd_begin 'ID' ...` line. */
export function windowOfApply(script: string): string | undefined {
  return /^nfd_begin '([^']+)'/m.exec(script)?.[1];
}
