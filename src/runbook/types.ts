// A runbook after validation: the profile resolved, durations in ms, steps in order.
import type { FlowCapture, Profile } from "../profile/types.js";

export const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
export const DEFAULT_POLL_MS = 2_000;
/** A capture step without a name: its pcap is pcap/HOST.flow-flow.pcap. */
export const DEFAULT_FLOW_NAME = "flow";

interface StepBase {
  /** 0-based position in `steps`. */
  index: number;
  /** Where the step is written, for messages such as "step 3 (runbook.yaml:14) failed". */
  line: number;
  col: number;
}

export type RunbookStep = StepBase &
  (
    | { kind: "apply" }
    | { kind: "collect" }
    | { kind: "revert" }
    | { kind: "report" }
    /** An operator-authored shell command, run as one quoted argument to `sh -c`. */
    | { kind: "exec"; command: string; hosts?: string; timeoutMs: number }
    | { kind: "wait"; durationMs: number }
    /** Done when at least `records` records, and/or a record with `reasonId`, were seen. */
    | { kind: "until"; records?: number; reasonId?: string; timeoutMs: number; pollMs: number }
    /** A bounded tcpdump of a flow, added to the open window (kind capture, knob flow). */
    | { kind: "capture"; flow: FlowCapture; hosts?: string }
  );

export interface Runbook {
  file: string;
  name: string;
  description?: string;
  /** The question the runbook answers, for the top of the report. */
  question?: string;
  profile: Profile;
  /** The referenced profile file as a path usable from the current directory; absent when inline. */
  profileFile?: string;
  /** Limit pattern over the inventory (default: all hosts). */
  hosts?: string;
  /** The runbook's window, else the profile's; absent when neither sets one. */
  windowMs?: number;
  steps: RunbookStep[];
}

/**
 * What an exec step does, in one short line for progress and reports: its first line that is not
 * blank or `set -e`, a leading comment's text as it is.
 */
export function commandHeadline(command: string, max = 60): string {
  const line =
    command
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "" && !/^set\s+-[a-z]+$/.test(l)) ?? "";
  const text = line.replace(/^#\s*/, "");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
