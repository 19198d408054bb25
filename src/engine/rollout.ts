// The fleet runner: one task per host, at most `forks` hosts at once, outcomes in the order of the
// hosts. A failure on one host never stops the others (an interrupted apply is cancelled on its
// host first: see cancel.ts). Its rollout controls change many hosts safely: a sliding window of
// hosts in flight (--serial), canary hosts first (--canary), and a failure budget (--max-fail)
// that stops the rollout; without them it is the plain bounded-parallel run of every command.
import pLimit from "p-limit";
import type { HostSpec } from "../inventory/types.js";
import type { Connection, Transport } from "../transport/types.js";
import { HostError } from "../errors.js";
import { failedHostOutcome } from "./cancel.js";
import { connectionPerTask, lostConnection, type HostConnections } from "./hostConnections.js";
import type { HostOutcome } from "./result.js";

/** A host's outcome: what its task returned, or the failure made of what the task threw. */
export type RunOutcome<O extends HostOutcome> = O | Awaited<ReturnType<typeof failedHostOutcome>>;

export type HostTask<O extends HostOutcome> = (conn: Connection) => Promise<O>;

export interface RolloutOptions<O extends HostOutcome> {
  forks: number;
  /** Hosts in flight at once; the next starts as soon as one finishes. */
  serial?: number;
  /** Hosts to change first; then `confirm` decides whether to go on. */
  canary?: number;
  /** Failures tolerated; one more stops the rollout. */
  maxFail?: number;
  /** true: go on; false, or why not (a sentence), stops the rollout. */
  confirm?: (canaryOutcomes: RunOutcome<O>[]) => Promise<boolean | string>;
  onHostStart?: (host: HostSpec) => void;
  onHostDone?: (outcome: RunOutcome<O>) => void;
  /** Default: a new connection per host, closed after its task. */
  connections?: HostConnections;
}

export interface RolloutResult<O extends HostOutcome> {
  outcomes: RunOutcome<O>[];
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

export async function runRollout<O extends HostOutcome>(
  hosts: HostSpec[],
  transport: Transport,
  options: RolloutOptions<O>,
  task: HostTask<O>,
): Promise<RolloutResult<O>> {
  const limit = pLimit(Math.max(1, Math.min(options.forks, options.serial ?? Infinity)));
  const connections = options.connections ?? connectionPerTask(transport);
  const outcomes: RunOutcome<O>[] = new Array(hosts.length);
  let failures = 0;
  let aborted: string | null = null;

  const runOne = async (host: HostSpec): Promise<RunOutcome<O>> => {
    if (aborted)
      return failedHostOutcome(
        transport,
        host,
        new HostError("aborted", host.name, `not started: ${aborted}`),
      );
    options.onHostStart?.(host);
    let conn: Connection | undefined;
    let lost = false;
    let outcome: RunOutcome<O>;
    try {
      conn = await connections.open(host);
      outcome = await task(conn);
    } catch (err) {
      lost = lostConnection(err);
      outcome = await failedHostOutcome(transport, host, err);
    } finally {
      if (conn) connections.release(conn, lost);
    }
    if (!outcome.ok) {
      failures += 1;
      if (options.maxFail !== undefined && failures > options.maxFail && !aborted)
        aborted = `more than ${options.maxFail} host(s) failed`;
    }
    options.onHostDone?.(outcome);
    return outcome;
  };
  const runAt = (index: number) =>
    limit(async () => {
      outcomes[index] = await runOne(hosts[index]);
    });

  const canaryCount = Math.min(options.canary ?? 0, hosts.length);
  const indexes = hosts.map((_, i) => i);
  if (canaryCount > 0) {
    await Promise.all(indexes.slice(0, canaryCount).map(runAt));
    if (!aborted && hosts.length > canaryCount && options.confirm) {
      const go = await options.confirm(outcomes.slice(0, canaryCount));
      if (go !== true) aborted = typeof go === "string" ? go : "stopped after the canary hosts";
    }
  }
  await Promise.all(indexes.slice(canaryCount).map(runAt));
  return { outcomes, aborted };
}
