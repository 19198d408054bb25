// A fleet session keeps one connection per host open across the phases of a multi-step command
// (a runbook, collect), so each host is connected to once. A host that fails drops out of later
// phases and keeps its first error. Each phase is a run of the fleet runner (rollout.ts) on the
// session's connections.
import type { HostSpec } from "../inventory/types.js";
import type { Connection, Transport } from "../transport/types.js";
import type { HostConnections } from "./hostConnections.js";
import type { HostOutcome } from "./result.js";
import { runRollout, type HostTask, type RunOutcome } from "./rollout.js";

export interface PhaseOptions<O extends HostOutcome> {
  /** Run on these hosts only (those of them still alive). */
  only?: HostSpec[];
  /** The phase may fail on a host without dropping it from later phases. */
  keepOnFailure?: boolean;
  /** Run on hosts that failed earlier too; their first error stays. */
  alsoFailed?: boolean;
  onHostDone?: (o: RunOutcome<O>) => void;
}

export class FleetSession {
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly failures = new Map<string, HostOutcome>();
  /** Connections of the session: opened once per host, kept after a task unless lost. */
  private readonly reused: HostConnections = {
    open: (host) => this.connection(host),
    release: (conn, lost) => {
      if (lost) this.forget(conn);
    },
  };

  constructor(
    readonly hosts: HostSpec[],
    private readonly transport: Transport,
    private readonly forks: number,
  ) {}

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
   * after a run).
   */
  async each<O extends HostOutcome>(
    task: HostTask<O>,
    options: PhaseOptions<O> = {},
  ): Promise<RunOutcome<O>[]> {
    const hosts = (options.only ?? this.hosts).filter(
      (h) => options.alsoFailed || !this.failures.has(h.name),
    );
    const onHostDone = (outcome: RunOutcome<O>) => {
      if (!outcome.ok && !options.keepOnFailure && !this.failures.has(outcome.host))
        this.failures.set(outcome.host, outcome);
      options.onHostDone?.(outcome);
    };
    const run = await runRollout(
      hosts,
      this.transport,
      { forks: this.forks, connections: this.reused, onHostDone },
      task,
    );
    return run.outcomes;
  }

  /**
   * Drops a connection that was lost mid-task: a later look at the host (the facts after a run)
   * reconnects instead of failing on the dead one.
   */
  private forget(conn: Connection): void {
    this.connections.delete(conn.host.name);
    conn.close();
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.then((conn) => conn.close()).catch(() => undefined)));
  }
}
