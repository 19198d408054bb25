// One simulated host's answers: the recorded outputs, with the window id and times of this run.
import type { Recording, RecordedOutput } from "./recordedOutputs.js";
import { scriptKind, windowOfApply } from "./recordedOutputs.js";

/** State of one simulated host: the window it has open, if any. */
export interface SimHost {
  window?: string;
}

function withWindow(out: RecordedOutput, from: string, to: string): RecordedOutput {
  return { ...out, stdout: out.stdout.split(from).join(to) };
}

/** Unix times in the recording (now, expires) become times of this run, keeping their distances. */
function shiftTimes(out: RecordedOutput, recordedNow: number): RecordedOutput {
  const delta = Math.floor(Date.now() / 1000) - recordedNow;
  return { ...out, stdout: out.stdout.replace(/\b1[0-9]{9}\b/g, (t) => String(Number(t) + delta)) };
}

function recordedNow(rec: Recording): number {
  const m = /@@section\tnow\n(\d+)/.exec(rec.facts.stdout);
  return m ? Number(m[1]) : Math.floor(Date.now() / 1000);
}

export function answer(rec: Recording, host: SimHost, script: string): RecordedOutput {
  const now = recordedNow(rec);
  switch (scriptKind(script)) {
    case "facts":
      return shiftTimes(rec.facts, now);
    case "apply": {
      host.window = windowOfApply(script) ?? rec.window;
      return shiftTimes(withWindow(rec.apply, rec.window, host.window), now);
    }
    case "revert": {
      if (!host.window) return { stdout: "@@revert\tnone\n", stderr: "", code: 0 };
      const out = withWindow(rec.revert, rec.window, host.window);
      host.window = undefined;
      return out;
    }
    default:
      return { stdout: "", stderr: "simulated host: unknown script\n", code: 127 };
  }
}
