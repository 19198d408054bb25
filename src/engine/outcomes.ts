// What each fleet command reports per host: the fields every command shares, plus one variant per
// command with its own details, told apart by `command`. A host that failed carries the shared
// fields only (the fleet runner makes it without knowing the command), so it fits every list.
import type { CaptureCollected, FlowCollected } from "./collectCapture.js";
import type { HostError, HostErrorKind } from "../errors.js";
import type { HostFacts } from "../facts/types.js";
import type { Capability, Change } from "../kinds/types.js";
import type { CounterDeltas } from "../logs/counters.js";
import type { BudgetTrip, WindowStatus } from "./status.js";

export interface OutcomeBase {
  host: string;
  ok: boolean;
  changed: boolean;
  changes: Change[];
  error: { kind: HostErrorKind; message: string } | null;
}

/** A host whose task threw; `changes` are what it changed before it failed (HostError.changes). */
export interface FailedOutcome extends OutcomeBase {
  command?: undefined;
  ok: false;
  error: { kind: HostErrorKind; message: string };
  cancel?: ApplyCancel;
}

/** An apply whose connection dropped: its window reverted there, never begun, or left to expire. */
export type ApplyCancel = NonNullable<HostError["cancel"]>;

/** A host that answered its command. */
interface Answered<C extends string> extends OutcomeBase {
  command: C;
  ok: true;
  error: null;
}

export interface FactsOutcome extends Answered<"facts"> {
  facts: HostFacts;
  status: WindowStatus;
}

export interface PlanOutcome extends Answered<"plan"> {
  /** What the profile, though applied, will not do on this host. */
  warnings?: string[];
  /** The host's kernel release (`uname -r`), which plans differ by. */
  kernel?: string;
  /** What the kinds resolved on this host (the sites each printk selector matched). */
  notes?: string[];
}

/** A runbook's exec step; never printed. */
export type ExecOutcome = Answered<"exec">;

export interface StatusOutcome extends Answered<"status"> {
  window: WindowStatus["open"];
  last: WindowStatus["last"];
}

export interface DoctorOutcome extends Answered<"doctor"> {
  capabilities: Capability[];
}

/**
 * apply opened its window, joined the window of the same profile already open there (whose
 * expiry it keeps), or had nothing to do (`window`: the open window, if any).
 */
export type ApplyOutcome = Answered<"apply"> & {
  /** After a stopped rollout: whether this host's window was reverted again. */
  reverted_on_abort?: boolean;
  /** What the profile, though applied, does not do on this host (as plan warns). */
  warnings?: string[];
  /** What the kinds resolved on this host (the sites each printk selector matched), as plan says. */
  notes?: string[];
} & (
    | { state: "opened"; window: string; expires: string; timer?: string }
    | { state: "joined"; window: string; expires: string; timer?: string; message: string }
    | { state: "unchanged"; window: string | null; message: string }
  );

/** What revert found: the window asked for (or the open one), no open window, or another one. */
export type RevertOutcome = Answered<"revert"> & {
  /** Modules left loaded because something uses them; they stay in the journal. */
  in_use: string[];
} & (
    | { found: "window"; window: string }
    | { found: "none"; window: null; message: string }
    | { found: "other"; window: string; message: string }
  );

/** extend moved the window's expiry, found none or another, or found it expired (and reverted it). */
export type ExtendOutcome = Answered<"extend"> &
  (
    | { found: "window"; window: string; expires: string }
    | { found: "none"; window: null; message: string }
    | { found: "other" | "expired"; window: string; message: string }
  );

export interface CollectOutcome extends Answered<"collect"> {
  window: string | null;
  /** The window is still open: a later collect reads on from here. */
  open?: boolean;
  /** The window ended early: the host reverted it for going over its log budget (as status's last.trip). */
  trip?: BudgetTrip;
  message?: string;
  source?: string;
  records?: number;
  lost?: number | null;
  warnings?: string[];
  counters?: CounterDeltas | null;
  /** "<boot id>/<source>" of a kernel-wide log; equal on hosts that share one kernel log. */
  kernel_log?: string;
  /** The window's NFLOG capture (kind capture), when it has one. */
  capture?: CaptureCollected;
  /** The window's flow captures (a runbook's capture steps), when it has any. */
  flows?: FlowCollected[];
}

/** A host of `nfdebug run`: how the whole run went for it (it may have failed a step). */
export interface RunbookOutcome extends OutcomeBase {
  command: "run";
  cancel?: ApplyCancel;
  applied: boolean;
  reverted: boolean | "expired" | "tripped" | "failed";
  /** reverted "tripped": the host reverted the window early, over its log budget (not a failure). */
  trip?: BudgetTrip;
  records: number;
  counters?: CounterDeltas | null;
  kernel?: string;
  kernel_log?: string;
}

export type HostOutcome =
  | FailedOutcome
  | FactsOutcome
  | PlanOutcome
  | ExecOutcome
  | StatusOutcome
  | DoctorOutcome
  | ApplyOutcome
  | RevertOutcome
  | ExtendOutcome
  | CollectOutcome
  | RunbookOutcome;

/** The commands whose outcomes a host reports. */
export type OutcomeCommand = NonNullable<HostOutcome["command"]>;

/** One command's outcome (failed hosts aside). */
export type OutcomeOf<C extends OutcomeCommand> = Extract<HostOutcome, { command: C }>;
