// Per-host outcomes as printed by every fleet command (--json schema: schemas/result.schema.json).
import { HostError, type HostErrorKind } from "../errors.js";
import type { Change } from "../knobs/step.js";

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

export function failedOutcome(host: string, err: unknown): HostOutcome {
  const error =
    err instanceof HostError
      ? { kind: err.kind, message: err.message }
      : { kind: "remote" as const, message: err instanceof Error ? err.message : String(err) };
  return { host, ok: false, changed: false, changes: [], error };
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
