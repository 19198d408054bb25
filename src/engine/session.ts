// A fleet session keeps one connection per host open across the phases of a multi-step command
// (a runbook, collect), so each host is connected to once. A host that fails drops out of later
// phases and keeps its first error.
import pLimit from "p-limit";
import { HostError } from "../errors.js";
import type { HostSpec } from "../inventory/types.js";
import type { Connection, Transport } from "../transport/types.js";
import { failedHostOutcome } from "./cancel.js";
import type { HostOutcome } from "./result.js";

export class FleetSession {
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly failures = new Map<string, HostOutcome>();
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    readonly hosts: HostSpec[],
    private readonly transport: Transport,
    forks: number,
  ) {
    this.limit = pLimit(Math.max(1, forks));
  }

  /** Hosts that have not failed so far. */
  alive(): HostSpec[] {
    return this.hosts.filter((h) => !this.failures.has(h.name));
  }

  failed(): HostOutcome[] {
    return [...this.failures.values()];
  }

  private connection(host: HostSpec): Promise<Connection> {
    let conn = this.connections.get(host.name);
    if (!conn) {
      conn = this.transport.connect(host);
      this.connections.set(host.name, conn);
    }
    return conn;
  }

  /**
   * Runs `task` on every live host (or `only` of them). A failure marks the host failed for the
   * rest of the session unless `keepOnFailure` says the phase may fail without dropping it.
   * `alsoFailed` runs it on hosts that failed earlier too (a read-only look, such as the facts
   * after a run); their first error stays.
   */
  async each(
    task: (conn: Connection) => Promise<HostOutcome>,
    options: {
      only?: HostSpec[];
      keepOnFailure?: boolean;
      alsoFailed?: boolean;
      onHostDone?: (o: HostOutcome) => void;
    } = {},
  ): Promise<HostOutcome[]> {
    const hosts = (options.only ?? this.hosts).filter(
      (h) => options.alsoFailed || !this.failures.has(h.name),
    );
    return Promise.all(
      hosts.map((host) =>
        this.limit(async () => {
          let outcome: HostOutcome;
          let conn: Connection | undefined;
          try {
            conn = await this.connection(host);
            outcome = await task(conn);
          } catch (err) {
            if (conn && lostConnection(err)) this.forget(host, conn);
            outcome = await failedHostOutcome(this.transport, host, err);
          }
          if (!outcome.ok && !options.keepOnFailure && !this.failures.has(host.name))
            this.failures.set(host.name, outcome);
          options.onHostDone?.(outcome);
          return outcome;
        }),
      ),
    );
  }

  /**
   * Drops a connection that was lost mid-task: a later look at the host (the facts after a run)
   * reconnects instead of failing on the dead one.
   */
  private forget(host: HostSpec, conn: Connection): void {
    this.connections.delete(host.name);
    conn.close();
  }

  /** Marks a host failed from outside (e.g. its apply failed in a rollout). */
  markFailed(outcome: HostOutcome): void {
    this.failures.set(outcome.host, outcome);
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.then((conn) => conn.close()).catch(() => undefined)));
  }
}

/**
 * The connection itself is gone, not just the task on it. A timeout closes only the command's
 * channel: that connection may still serve the next phase.
 */
function lostConnection(err: unknown): boolean {
  return err instanceof HostError && err.kind === "unreachable";
}
