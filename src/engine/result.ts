// Per-host outcomes as printed by every fleet command (--json schema: schemas/result.schema.json).
import { HostError, MalformedAnswer, type HostErrorKind } from "../errors.js";
import type { Change } from "../kinds/types.js";

export interface HostOutcome {
  host: string;
  ok: boolean;
  changed: boolean;
  changes: Change[];
  error: { kind: HostErrorKind; message: string } | null;
  /** Command-specific details (facts, plan, window, drift...). */
  [detail: string]: unknown;
}

export interface FleetResult {
  command: string;
  window?: string;
  hosts: HostOutcome[];
  summary: { ok: number; changed: number; failed: number };
  /** Set when a rollout stopped early (--max-fail, a declined canary). */
  aborted?: string | null;
}

/** A host that was read, not changed (facts, status, collect, a no-op apply...), with its details. */
export function unchangedOutcome<T extends Record<string, unknown>>(
  host: string,
  details: T = {} as T,
): HostOutcome & T {
  return { host, ok: true, changed: false, changes: [], error: null, ...details };
}

/**
 * A host that failed, and why. A HostError keeps its kind; a host's malformed answer is a
 * protocol failure; anything else (a TypeError, a failed assertion) is a bug in nfdebug while
 * handling this host: kind internal, which makes the command exit 3 once every host is done.
 */
export function failedOutcome(host: string, err: unknown): HostOutcome {
  const changes = err instanceof HostError ? (err.changes ?? []) : [];
  return { host, ok: false, changed: changes.length > 0, changes, error: outcomeError(err) };
}

function outcomeError(err: unknown): { kind: HostErrorKind; message: string } {
  if (err instanceof HostError) return { kind: err.kind, message: err.message };
  if (err instanceof MalformedAnswer) return { kind: "protocol", message: err.message };
  // The error's name (TypeError...) tells a bug report more than its message alone.
  return { kind: "internal", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

export function summarise(command: string, hosts: HostOutcome[], window?: string): FleetResult {
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
