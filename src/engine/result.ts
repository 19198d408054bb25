// Per-host outcomes as printed by every fleet command (--json schema: schemas/result.schema.json);
// their types, one per command, are in outcomes.ts.
import { HostError, MalformedAnswer, type HostErrorKind } from "../errors.js";
import type { FailedOutcome, HostOutcome, OutcomeCommand } from "./outcomes.js";

export type { HostOutcome, FailedOutcome };

/** The commands that print a fleet result. */
export type FleetCommand = Exclude<OutcomeCommand, "exec">;

export interface FleetResult<O extends HostOutcome = HostOutcome> {
  command: FleetCommand;
  window?: string;
  hosts: O[];
  summary: { ok: number; changed: number; failed: number };
  /** Set when a rollout stopped early (--max-fail, a declined canary). */
  aborted?: string | null;
}

/** A host that was read, not changed (facts, status, collect, a no-op apply...), with its details. */
export function unchangedOutcome<D extends { command: OutcomeCommand }>(
  host: string,
  details: D,
): D & { host: string; ok: true; changed: false; changes: []; error: null } {
  return { host, ok: true, changed: false, changes: [], error: null, ...details };
}

/**
 * A host that failed, and why. A HostError keeps its kind; a host's malformed answer is a
 * protocol failure; anything else (a TypeError, a failed assertion) is a bug in nfdebug while
 * handling this host: kind internal, which makes the command exit 3 once every host is done.
 */
export function failedOutcome(host: string, err: unknown): FailedOutcome {
  const changes = err instanceof HostError ? (err.changes ?? []) : [];
  const cancel = err instanceof HostError ? err.cancel : undefined;
  return {
    host,
    ok: false,
    changed: changes.length > 0,
    changes,
    error: outcomeError(err),
    ...(cancel ? { cancel } : {}),
  };
}

function outcomeError(err: unknown): { kind: HostErrorKind; message: string } {
  if (err instanceof HostError) return { kind: err.kind, message: err.message };
  if (err instanceof MalformedAnswer) return { kind: "protocol", message: err.message };
  // The error's name (TypeError...) tells a bug report more than its message alone.
  return { kind: "internal", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

export function summarise<O extends HostOutcome>(
  command: FleetCommand,
  hosts: O[],
  window?: string,
): FleetResult<O> {
  return {
    command,
    ...(window ? { window } : {}),
    hosts,
    summary: {
      ok: hosts.filter((h) => h.ok).length,
      changed: hosts.filter((h) => h.changed).length,
      failed: hosts.filter((h) => !h.ok).length,
    },
  };
}
