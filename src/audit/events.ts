// Command outcomes → audit trail entries (src/audit/history.ts). Only these fields are copied:
// host name, window id, profile name, error kind, change count, expiry, and a run's budget trip
// (numbers checked by status.ts's tripOf) with nfdebug's own sentence for it. Messages are left out
// on purpose: a host's stderr can carry anything.
import { windowOwner } from "../engine/window.js";
import type {
  ApplyCancel,
  ApplyOutcome,
  ExtendOutcome,
  FailedOutcome,
  RevertOutcome,
} from "../engine/outcomes.js";
import type { HistoryCommand, HistoryEntry } from "./history.js";
import { describeTrip, type BudgetTrip } from "../engine/status.js";

interface Context {
  window?: string | null;
  profile?: string | null;
  now?: Date;
  actor?: string;
}

/** A finished per-host event; `entry` fills in the fields every line has. */
type Event = Pick<HistoryEntry, "host" | "event"> & Partial<HistoryEntry>;

function entries(command: HistoryCommand, ctx: Context, events: Event[]): HistoryEntry[] {
  const time = (ctx.now ?? new Date()).toISOString();
  const actor = ctx.actor ?? windowOwner();
  return events.map((e) => ({
    time,
    actor,
    command,
    window: e.window !== undefined ? e.window : (ctx.window ?? null),
    profile: e.profile ?? ctx.profile ?? null,
    host: e.host,
    event: e.event,
    outcome: e.outcome ?? "ok",
    error_kind: e.error_kind ?? null,
    changes: e.changes ?? 0,
    ...(e.expires ? { expires: e.expires } : {}),
    ...(e.trip ? { trip: e.trip, message: describeTrip(e.host, e.trip) } : {}),
  }));
}

const failed = (o: FailedOutcome) => ({ outcome: "failed" as const, error_kind: o.error.kind });

/** The cancel the engine made after an apply's connection dropped (engine/cancel.ts). */
function cancelEvent(host: string, cancel: ApplyCancel | undefined, errorKind: string): Event[] {
  if (!cancel) return [];
  return [
    { host, event: cancel, ...(cancel === "failed" ? { outcome: "failed", error_kind: errorKind } : {}) },
  ];
}

/** apply: one line per host (opened, joined, unchanged, refused, failed), plus its cancel or abort revert. */
export function applyHistory(
  outcomes: Array<ApplyOutcome | FailedOutcome>,
  ctx: Context & { window: string; profile: string },
): HistoryEntry[] {
  const events: Event[] = [];
  const cancels: Event[] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      events.push({ host: o.host, event: o.error?.kind === "locked" ? "refused" : "failed", ...failed(o) });
      cancels.push(...cancelEvent(o.host, o.cancel, o.error.kind));
      continue;
    }
    const window = o.window;
    // Nothing to do where a window is open: the host already is in one of this profile.
    const event = o.state === "unchanged" ? (window === null ? "unchanged" : "joined") : o.state;
    const expires = o.state === "unchanged" ? undefined : o.expires;
    events.push({ host: o.host, event, window, changes: o.changes.length, expires });
    if (o.reverted_on_abort === true) events.push({ host: o.host, event: "reverted", window });
    else if (o.reverted_on_abort === false)
      events.push({ host: o.host, event: "revert-failed", window, outcome: "failed" });
  }
  return [...entries("apply", ctx, events), ...entries("cancel", ctx, cancels)];
}

/** revert: reverted (values restored), closed (nothing to restore), none, other (another window), failed. */
export function revertHistory(
  outcomes: Array<RevertOutcome | FailedOutcome>,
  ctx: Context & { window?: string },
): HistoryEntry[] {
  return entries(
    "revert",
    ctx,
    outcomes.map((o): Event => {
      if (!o.ok) return { host: o.host, event: "failed", ...failed(o) };
      // Not found: the line names the window asked for (if any), not the other one open.
      if (o.found !== "window") return { host: o.host, event: o.found, window: ctx.window ?? null };
      return {
        host: o.host,
        event: o.changed ? "reverted" : "closed",
        window: o.window,
        changes: o.changes.length,
      };
    }),
  );
}

/** extend: extended (new expiry), none, other (another window is open), expired (reverted instead), failed. */
export function extendHistory(
  outcomes: Array<ExtendOutcome | FailedOutcome>,
  ctx: Context & { window: string },
): HistoryEntry[] {
  return entries(
    "extend",
    ctx,
    outcomes.map((o): Event => {
      if (!o.ok) return { host: o.host, event: "failed", ...failed(o) };
      if (o.found === "window") return { host: o.host, event: "extended", expires: o.expires };
      return { host: o.host, event: o.found };
    }),
  );
}

/** What `nfdebug run` knows of each host (src/runbook/hostState.ts). */
export interface RunHostOutcome {
  name: string;
  ok: boolean;
  error?: { kind: string; message?: string };
  cancel?: ApplyCancel;
  changes: unknown[];
  applied: boolean;
  reverted: boolean | "expired" | "tripped" | "failed";
  /** reverted "tripped": how the window went over its log budget (engine/status.ts). */
  trip?: BudgetTrip;
}

/**
 * run: the window's opening (opened, unchanged, failed) and, when it opened, how it ended; plus
 * the cancel of an apply whose connection dropped, as for apply.
 */
export function runHistory(
  hosts: RunHostOutcome[],
  ctx: Context & { window: string | null; profile: string },
): HistoryEntry[] {
  const events: Event[] = [];
  const cancels: Event[] = [];
  for (const h of hosts) {
    const failure = h.ok ? {} : { outcome: "failed" as const, error_kind: h.error?.kind ?? "remote" };
    if (!h.applied) {
      events.push({ host: h.name, event: h.ok ? "unchanged" : "failed", window: null, ...failure });
      if (!h.ok) cancels.push(...cancelEvent(h.name, h.cancel, h.error?.kind ?? "remote"));
      continue;
    }
    // The host's outcome over the whole run goes on its first line; the second says how the window ended.
    events.push({ host: h.name, event: "opened", changes: h.changes.length, ...failure });
    const end =
      h.reverted === true
        ? "reverted"
        : h.reverted === "expired" || h.reverted === "tripped"
          ? h.reverted
          : "revert-failed";
    events.push({
      host: h.name,
      event: end,
      ...(end === "revert-failed" ? { outcome: "failed" as const } : {}),
      // A trip is no failure (outcome ok): the host reverted the window as designed.
      ...(end === "tripped" && h.trip ? { trip: h.trip } : {}),
    });
  }
  return [...entries("run", ctx, events), ...entries("cancel", ctx, cancels)];
}
