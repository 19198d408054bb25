// The controller's audit trail: one JSON line per host and event of every command that opens,
// changes or closes a debug window, appended to $XDG_STATE_HOME/nfdebug/history.jsonl
// (default ~/.local/state/nfdebug/history.jsonl). Who opened which window where, when it ended
// and how. Entries are built from a closed set of fields (src/audit/events.ts): no key, passphrase,
// agent socket, error message, log line or record ever reaches this file.
import { appendFileSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import type { BudgetTrip } from "../engine/status.js";

export type HistoryCommand = "apply" | "revert" | "extend" | "cancel" | "run";

export interface HistoryEntry {
  /** When the controller learned the outcome (ISO 8601, controller clock). */
  time: string;
  /** user@controller, as recorded in the host's window header. */
  actor: string;
  command: HistoryCommand;
  window: string | null;
  profile: string | null;
  host: string;
  /** apply: opened, joined, unchanged, refused, failed, reverted (rollout aborted), revert-failed;
   *  revert: reverted, closed, none, other, failed; extend: extended, none, other, expired, failed;
   *  cancel: reverted, prevented, failed; run: opened, unchanged, failed, reverted, expired, tripped
   *  (the host reverted it early, over its log budget: see trip), revert-failed. */
  event: string;
  outcome: "ok" | "failed";
  /** The host error kind (schemas/result.schema.json) when outcome is failed. */
  error_kind: string | null;
  /** How many values the event changed on the host. */
  changes: number;
  /** New expiry of the window (opened, joined, extended), when known. */
  expires?: string;
  /** run's tripped: the host's measure of the trip (its history line), and it in words:
   *  "window tripped its budget on h12 at 14:03:07: 18,400 lines/s > 2,000/s". */
  trip?: BudgetTrip;
  message?: string;
}

/** $XDG_STATE_HOME/nfdebug; a relative or empty XDG_STATE_HOME is ignored (XDG spec). */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME;
  const base = state && isAbsolute(state) ? state : join(env.HOME || homedir(), ".local", "state");
  return join(base, "nfdebug");
}

/** $XDG_STATE_HOME/nfdebug/history.jsonl. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), "history.jsonl");
}

/**
 * Appends the entries in one write (O_APPEND: lines of controllers running at once do not mix).
 * A trail that cannot be written is a warning, not a failure: the hosts are already changed, and
 * failing the command now would hide that.
 */
export function appendHistory(
  entries: HistoryEntry[],
  options: { env?: NodeJS.ProcessEnv; warn: (message: string) => void },
): void {
  if (entries.length === 0) return;
  const file = historyPath(options.env);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    options.warn(
      `nfdebug: could not append to the audit trail ${file} (${why}); ${entries.length} event(s) not recorded`,
    );
  }
}
