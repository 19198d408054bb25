// What a runbook run knows about each host as it goes, for the bundle and the report.
import type { CounterDeltas } from "../logs/counters.js";
import type { Change } from "../kinds/types.js";
import type { RevertOutcome } from "../report/model.js";
import type { HostErrorKind } from "../errors.js";
import type { ApplyCancel } from "../engine/outcomes.js";
import type { CaptureCollected, FlowCollected } from "../engine/collectCapture.js";
import type { BudgetTrip } from "../engine/status.js";

export interface RunHost {
  name: string;
  ok: boolean;
  error?: { kind: HostErrorKind; message: string };
  /** Its apply's connection dropped: how cancelling the window there went. */
  cancel?: ApplyCancel;
  kernel?: string;
  /** The kernel log collect read ("<boot id>/<source>"); equal on hosts that share one. */
  kernelLog?: string;
  changes: Change[];
  /** This run opened (or joined) a window on the host. */
  applied: boolean;
  reverted: RevertOutcome;
  /** The host reverted the window early, for going over its log budget ("tripped"). */
  trip?: BudgetTrip;
  counters?: CounterDeltas | null;
  /** Its NFLOG capture as the last collect saw it (kind capture). */
  capture?: CaptureCollected;
  /** Its flow captures (the runbook's capture steps) as the last collect saw them. */
  flows?: FlowCollected[];
  records: number;
}

export function newRunHost(name: string): RunHost {
  return { name, ok: true, changes: [], applied: false, reverted: false, records: 0 };
}

/** The first error sticks: it is the one that explains the outcome. */
export function failHost(h: RunHost, error: { kind: HostErrorKind; message: string } | null): void {
  if (!h.ok) return;
  h.ok = false;
  h.error = error ?? { kind: "remote", message: "failed" };
}
