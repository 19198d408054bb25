// A Transport over ReplayHosts: connect hands out a ReplayConnection to the named host's replay,
// or fails as an unreachable host does.
import { HostError } from "../../src/errors.js";
import type { HostSpec } from "../../src/inventory/types.js";
import type { Connection, Transport } from "../../src/transport/types.js";
import { ReplayConnection } from "./replayConnection.js";
import { ReplayHost, type Exchange } from "./replayHost.js";

export class ReplayTransport implements Transport {
  private readonly replays = new Map<string, ReplayHost>();
  /** Hosts that cannot be connected to. */
  readonly unreachable = new Set<string>();
  /** Every connection handed out, in order. */
  readonly connections: ReplayConnection[] = [];

  /** `exchanges`: what each host (by name) is expected to be sent, in order. */
  constructor(exchanges: Record<string, Exchange[]>) {
    for (const [name, list] of Object.entries(exchanges)) this.replays.set(name, new ReplayHost(name, list));
  }

  host(name: string): ReplayHost {
    const replay = this.replays.get(name);
    if (!replay) throw new Error(`no replay for host ${name}`);
    return replay;
  }

  async connect(host: HostSpec): Promise<Connection> {
    if (this.unreachable.has(host.name))
      throw new HostError("unreachable", host.name, `${host.name}: connect ECONNREFUSED 127.0.0.1:22`);
    const conn = new ReplayConnection(host, this.host(host.name));
    this.connections.push(conn);
    return conn;
  }
}

/** An inventory host of that name (the replay needs nothing more). */
export function replayHostSpec(name: string): HostSpec {
  return {
    name,
    address: "127.0.0.1",
    port: 22,
    user: "root",
    identityFiles: [],
    groups: [],
    become: false,
    jump: [],
  };
}
