// The Fleet object tests hold: host lookup, commands inside hosts, faults, packets, stop.
import { resolve } from "node:path";
import type { HostSpec } from "../../../src/inventory/types.js";
import { CommandError, runCommand } from "./command.js";
import { forgetOnExit } from "./exit-hooks.js";
import * as faults from "./faults.js";
import { enterHostArgv } from "./host-root.js";
import { groupsOf, writeInventory } from "./inventory-files.js";
import * as packets from "./packets.js";
import { loadStateFromDir, saveState, type FleetState, type StoredHost } from "./registry.js";
import { startFleetState } from "./start.js";
import { leftovers, teardownSync } from "./teardown.js";
import type {
  CutOffOptions,
  Fleet,
  FleetHost,
  FleetOptions,
  InvalidKind,
  InvalidResult,
  NsExecOptions,
  NsExecResult,
} from "./types.js";

class NamespaceFleet implements Fleet {
  private stopped = false;

  constructor(private readonly state: FleetState) {}

  get runId(): string {
    return this.state.runId;
  }
  get dir(): string {
    return this.state.dir;
  }
  get hosts(): FleetHost[] {
    return this.state.hosts;
  }
  get inventoryFile(): string {
    return this.state.inventoryFile;
  }
  get knownHostsFile(): string {
    return this.state.knownHostsFile;
  }
  get hashedKnownHostsFile(): string {
    return this.state.hashedKnownHostsFile;
  }
  get identityFile(): string {
    return this.state.identityFile;
  }

  host(name: string): StoredHost {
    const found = this.state.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`no host ${name} in fleet ${this.state.runId}`);
    return found;
  }

  private stored(host: FleetHost | string): StoredHost {
    if (this.stopped) throw new Error(`fleet ${this.state.runId} is stopped`);
    return this.host(typeof host === "string" ? host : host.name);
  }

  hostSpec(host: FleetHost | string): HostSpec {
    const h = this.stored(host);
    return {
      name: h.name,
      address: h.address,
      port: h.port,
      user: h.user,
      identityFiles: [this.state.identityFile],
      groups: groupsOf(h),
      become: h.become,
      jump: [],
    };
  }

  writeInventory(file: string, hosts?: (FleetHost | string)[]): string {
    const chosen = hosts ? hosts.map((h) => this.stored(h)) : this.state.hosts;
    return writeInventory(resolve(file), chosen, this.state.identityFile);
  }

  async nsRun(host: FleetHost | string, argv: string[], options: NsExecOptions = {}): Promise<NsExecResult> {
    return runCommand(enterHostArgv(this.stored(host), argv), options);
  }

  async nsExec(host: FleetHost | string, argv: string[], options: NsExecOptions = {}): Promise<string> {
    const result = await this.nsRun(host, argv, options);
    if (result.code !== 0) throw new CommandError([`[${this.stored(host).name}]`, ...argv], result);
    return result.stdout;
  }

  async killSshd(host: FleetHost | string): Promise<number> {
    return faults.killSshd(this.stored(host));
  }

  async cutOff(host: FleetHost | string, options: CutOffOptions = {}): Promise<void> {
    await faults.cutOff(this.state, this.stored(host), options.mode ?? "refuse");
    saveState(this.state);
  }

  async restore(host: FleetHost | string): Promise<void> {
    await faults.restore(this.state, this.stored(host));
    saveState(this.state);
  }

  async forceCommand(host: FleetHost | string, command: string | null): Promise<void> {
    await faults.forceCommand(this.stored(host), command);
  }

  async trackConntrack(host: FleetHost | string): Promise<void> {
    await packets.trackConntrack(this.stored(host));
    saveState(this.state);
  }

  async makeInvalid(
    host: FleetHost | string,
    kind: InvalidKind,
    options: { count?: number } = {},
  ): Promise<InvalidResult> {
    const stored = this.stored(host);
    const wasTracked = stored.tracked;
    const result = await packets.makeInvalid(stored, kind, options.count ?? 1);
    if (!wasTracked) saveState(this.state);
    return result;
  }

  async conntrackStats(host: FleetHost | string): Promise<Record<string, number>> {
    return packets.conntrackStats(this.stored(host));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    teardownSync(this.state);
    forgetOnExit(this.state);
  }

  leftovers(): string[] {
    return leftovers(this.state);
  }
}

/** Start a fleet; see FleetOptions. Stop it with fleet.stop() (also done at process exit). */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  return new NamespaceFleet(await startFleetState(options));
}

/** A fleet started elsewhere (scripts/fleet.mjs start), from the state file in its dir. */
export function attachFleet(dir: string): Fleet {
  return new NamespaceFleet(loadStateFromDir(resolve(dir)));
}
