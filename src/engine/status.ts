// Window status of one host, derived from its facts: open window, or how the last one ended.
import type { HistoryEvent, HostFacts, WindowBudget } from "../facts/types.js";
import { hostKey } from "../kinds/registry.js";
import { epochIso } from "./hostOutput.js";

export interface WindowStatus {
  open: {
    id: string;
    owner: string;
    profile: string;
    started: string;
    expires: string;
    expires_in_s: number;
    state: string;
    timer: string;
    /** A window whose revert could not finish (state left, drift or failed): what it still holds. */
    left?: string[];
    /** Its log budget: the limits, the lines the host's sampler counted, or why it cannot enforce. */
    budget?: {
      max_rate: string;
      max_lines: number;
      interval_s: number;
      lines_counted?: number;
      last_sample?: string;
      unenforced?: string;
    };
  } | null;
  /** The most recent window that ended, and how: reverted, expired, tripped, reboot, rollback, *-drift. */
  last: { id: string; ended: string; how: string; trip?: BudgetTrip } | null;
}

/**
 * How a window went over its log budget, as the host's sampler measured it (budget.sh):
 * `rate`: lines per second or minute over the last sample, `limit` "2000/s" or "500/min";
 * `lines`: the window's total, `limit` the most lines allowed.
 */
export interface BudgetTrip {
  at: string;
  /** overrun: the sampler's reader stopped (the kernel log overwrote lines before it read them, or it was killed). */
  kind: "rate" | "lines" | "overrun";
  measured: number;
  limit: string;
}

/** The trip recorded in a "closed … tripped AT KIND MEASURED LIMIT" history line. */
function tripOf(fields: string[]): BudgetTrip | undefined {
  const [how, at, kind, measured, limit] = fields;
  if (
    how !== "tripped" ||
    !["rate", "lines", "overrun"].includes(kind ?? "") ||
    !/^\d+$/.test(measured ?? "")
  )
    return undefined;
  // Only what budget.sh writes ("2000/s", "500/min", a line count): the audit trail keeps it.
  if (!(kind === "lines" ? /^\d+$/ : /^\d+\/(s|min)$/).test(limit ?? "")) return undefined;
  return {
    at: epochIso(Number(at)),
    kind: kind as BudgetTrip["kind"],
    measured: Number(measured),
    limit: limit ?? "",
  };
}

/** The trip of window `id`, when its history's "closed" line says it tripped its log budget. */
export function windowTrip(history: HistoryEvent[], id: string): BudgetTrip | undefined {
  let trip: BudgetTrip | undefined;
  for (const event of history)
    if (event.event === "closed" && event.window === id) trip = tripOf(event.fields);
  return trip;
}

/** "window tripped its budget on h12 at 14:03:07: 18,400 lines/s > 2,000/s" (the time in UTC). */
export function describeTrip(host: string, trip: BudgetTrip): string {
  const n = (v: number): string => v.toLocaleString("en-US");
  const said = `window tripped its budget on ${host} at ${trip.at.slice(11, 19)}`;
  if (trip.kind === "lines") return `${said}: ${n(trip.measured)} lines > ${n(Number(trip.limit))}`;
  const [max, unit] = trip.limit.split("/");
  const rate = `${n(Number(max))}/${unit}`;
  if (trip.kind === "overrun")
    return `${said}: its sampler's kernel log reader stopped (overrun by the log, or killed): lines went uncounted after ${n(trip.measured)} (limit ${rate})`;
  return `${said}: ${n(trip.measured)} lines/${unit} > ${rate}`;
}

function budgetStatus(b: WindowBudget): NonNullable<NonNullable<WindowStatus["open"]>["budget"]> {
  return {
    max_rate: b.maxRate,
    max_lines: b.maxLines,
    interval_s: b.intervalS,
    ...(b.counted !== undefined ? { lines_counted: b.counted } : {}),
    ...(b.sampledAt !== undefined ? { last_sample: epochIso(b.sampledAt) } : {}),
    ...(b.unenforced ? { unenforced: b.unenforced } : {}),
  };
}

export function windowStatus(facts: HostFacts): WindowStatus {
  const w = facts.window;
  let open: WindowStatus["open"] = null;
  if (w && w.bootId === facts.bootId) {
    open = {
      id: w.id,
      owner: w.owner,
      profile: w.profile,
      started: epochIso(w.started),
      expires: epochIso(w.expires),
      expires_in_s: w.expires - facts.now,
      state: w.state,
      timer: w.timerUnit ? `systemd:${w.timerUnit}` : w.watchdogPid ? `watchdog:${w.watchdogPid}` : "none",
      ...(w.budget ? { budget: budgetStatus(w.budget) } : {}),
      ...(["left", "drift", "failed"].includes(w.state)
        ? { left: facts.journal.map((j) => hostKey(j.kind, j.key)) }
        : {}),
    };
  }
  let last: WindowStatus["last"] = null;
  const closed = new Set<string>();
  for (const event of facts.history) {
    if (event.event === "closed") {
      closed.add(event.window);
      const trip = tripOf(event.fields);
      last = { id: event.window, ended: epochIso(event.at), how: event.detail, ...(trip ? { trip } : {}) };
    } else if (event.event === "opened" && event.detail !== facts.bootId && !closed.has(event.window)) {
      // Opened in an earlier boot and never closed: the reboot reset every knob to its boot default.
      last = { id: event.window, ended: "at reboot", how: "reboot" };
    }
  }
  // A later "closed" line for a window seen as ended by reboot wins (e.g. a stale journal cleaned up).
  if (open && last?.id === open.id) last = null;
  return { open, last };
}
