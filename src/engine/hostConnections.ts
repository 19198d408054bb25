// Where the fleet runner gets each host's connection for a task, and what it does with it after:
// a one-shot command connects per task and hangs up; a session (session.ts) keeps one per host.
import { HostError } from "../errors.js";
import type { HostSpec } from "../inventory/types.js";
import type { Connection, Transport } from "../transport/types.js";

export interface HostConnections {
  open(host: HostSpec): Promise<Connection>;
  /** After the task on `conn`; `lost`: the task failed because the connection itself is gone. */
  release(conn: Connection, lost: boolean): void;
}

/** A new connection for each task, closed when the task is done. */
export function connectionPerTask(transport: Transport): HostConnections {
  return { open: (host) => transport.connect(host), release: (conn) => conn.close() };
}

/**
 * The connection itself is gone, not just the task on it. A timeout closes only the command's
 * channel: that connection may still serve the next phase.
 */
export function lostConnection(err: unknown): boolean {
  return err instanceof HostError && err.kind === "unreachable";
}
