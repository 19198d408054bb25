// Runs one per-host task across the fleet: bounded parallelism, one connection per host reused
// for every phase, and a failure on one host never stops the others (an interrupted apply is
// cancelled on its host first: see cancel.ts).
import pLimit from "p-limit";
import type { HostSpec } from "../inventory/types.js";
import type { Connection, Transport } from "../transport/types.js";
import { failedHostOutcome } from "./cancel.js";
import type { HostOutcome } from "./result.js";

export interface FleetOptions {
  forks: number;
  /** Called as each host finishes, for progress output. */
  onHostDone?: (outcome: HostOutcome) => void;
  onHostStart?: (host: HostSpec) => void;
}

export type HostTask = (conn: Connection) => Promise<HostOutcome>;

export async function runFleet(
  hosts: HostSpec[],
  transport: Transport,
  options: FleetOptions,
  task: HostTask,
): Promise<HostOutcome[]> {
  const limit = pLimit(Math.max(1, options.forks));
  return Promise.all(
    hosts.map((host) =>
      limit(async () => {
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
        options.onHostDone?.(outcome);
        return outcome;
      }),
    ),
  );
}
