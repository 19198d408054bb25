// Rollout controls for changing many hosts safely: a sliding window of hosts in flight (--serial),
// canary hosts first (--canary), and a failure budget (--max-fail) that stops the rollout.
import pLimit from "p-limit";
import type { HostSpec } from "../inventory/types.js";
import type { Connection, Transport } from "../transport/types.js";
import { HostError } from "../errors.js";
import { failedHostOutcome } from "./cancel.js";
import { failedOutcome, type HostOutcome } from "./result.js";

export interface RolloutOptions {
  forks: number;
  /** Hosts in flight at once; the next starts as soon as one finishes. */
  serial?: number;
  /** Hosts to change first; then `confirm` decides whether to go on. */
  canary?: number;
  /** Failures tolerated; one more stops the rollout. */
  maxFail?: number;
  confirm?: (canaryOutcomes: HostOutcome[]) => Promise<boolean>;
  onHostStart?: (host: HostSpec) => void;
  onHostDone?: (outcome: HostOutcome) => void;
}

export interface RolloutResult {
  outcomes: HostOutcome[];
  /** Why the rollout stopped early, if it did. */
  aborted: string | null;
}

/** "5" → 5, "10%" of 200 → 20 (at least 1). Undefined input stays undefined. */
export function resolveCount(spec: string | undefined, total: number): number | undefined {
  if (spec === undefined) return undefined;
  const m = /^(\d+)(%?)$/.exec(spec);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? Math.max(1, Math.floor((total * n) / 100)) : n;
}

export async function runRollout(
  hosts: HostSpec[],
  transport: Transport,
  options: RolloutOptions,
  task: (conn: Connection) => Promise<HostOutcome>,
): Promise<RolloutResult> {
  const inFlight = Math.max(1, Math.min(options.forks, options.serial ?? Infinity));
  const limit = pLimit(inFlight);
  const outcomes = new Map<string, HostOutcome>();
  let failures = 0;
  let aborted: string | null = null;

  const runOne = (host: HostSpec) =>
    limit(async () => {
      if (aborted) {
        outcomes.set(
          host.name,
          failedOutcome(host.name, new HostError("aborted", host.name, `not started: ${aborted}`)),
        );
        return;
      }
      options.onHostStart?.(host);
      let conn: Connection | undefined;
      let outcome: HostOutcome;
      try {
        conn = await transport.connect(host);
        outcome = await task(conn);
      } catch (err) {
        outcome = await failedHostOutcome(transport, host, err);
      } finally {
        conn?.close();
      }
      outcomes.set(host.name, outcome);
      if (!outcome.ok) {
        failures += 1;
        if (options.maxFail !== undefined && failures > options.maxFail && !aborted)
          aborted = `more than ${options.maxFail} host(s) failed`;
      }
      options.onHostDone?.(outcome);
    });

  const canaryCount = Math.min(options.canary ?? 0, hosts.length);
  const canaries = hosts.slice(0, canaryCount);
  const rest = hosts.slice(canaryCount);
  if (canaries.length > 0) {
    await Promise.all(canaries.map(runOne));
    if (!aborted && rest.length > 0 && options.confirm) {
      const go = await options.confirm(canaries.map((h) => outcomes.get(h.name) as HostOutcome));
      if (!go) aborted = "stopped after the canary hosts";
    }
  }
  await Promise.all(rest.map(runOne));
  return { outcomes: hosts.map((h) => outcomes.get(h.name) as HostOutcome), aborted };
}
