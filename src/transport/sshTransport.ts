// The SSH transport: connect to a host (through its jump hosts), verify host keys, authenticate.
import { homedir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { Client } from "ssh2";
import { HostError } from "../errors.js";
import type { HostSpec, JumpHost } from "../inventory/types.js";
import { planAuth } from "./auth/authPlan.js";
import { KeyUnlocker } from "./auth/keyUnlocker.js";
import { promptOnTty, type PassphrasePrompt } from "./auth/passphrasePrompt.js";
import { forwardThrough } from "./forwardChannel.js";
import type { HostKeyCheck } from "./hostKeys/hostKeyPolicy.js";
import { hostKeySources } from "./hostKeys/hostKeySources.js";
import { KnownHostsFiles } from "./hostKeys/knownHostsFiles.js";
import { KnownHostsStore } from "./hostKeys/knownHostsStore.js";
import { HopPool } from "./hopPool.js";
import { openClient } from "./openClient.js";
import { SshConnection } from "./sshConnection.js";
import type { CommonTransportOptions, Connection, Transport } from "./types.js";

export interface SshTransportOptions extends CommonTransportOptions {
  /** Read-only system files; wins over GlobalKnownHostsFile; default /etc/ssh/ssh_known_hosts. */
  globalKnownHostsFiles?: string[];
  /** Default process.env.SSH_AUTH_SOCK; null disables the agent. */
  agentSocket?: string | null;
  /** Default: ask on /dev/tty without echo; with no terminal, encrypted keys are skipped. */
  passphrasePrompt?: PassphrasePrompt;
  /** Where default identity files (~/.ssh/id_*) are looked for; default the user's home. */
  homeDir?: string;
  /** Non-fatal notes (ignored known_hosts lines, StrictHostKeyChecking=no); never contains secrets. */
  warn?: (message: string) => void;
}

const DEFAULT_IDENTITIES = ["id_rsa", "id_ecdsa", "id_ed25519"];

export class SshTransport implements Transport {
  private readonly options: SshTransportOptions;
  private readonly knownHostsFiles: KnownHostsFiles;
  /** One store per distinct set of files. */
  private readonly stores = new Map<string, KnownHostsStore>();
  private readonly warnedOff = new Set<string>();
  private readonly unlocker: KeyUnlocker;
  private readonly hops = new HopPool();
  private readonly home: string;

  constructor(options: SshTransportOptions = {}) {
    this.options = options;
    this.home = options.homeDir ?? homedir();
    this.knownHostsFiles = new KnownHostsFiles(options.warn);
    this.unlocker = new KeyUnlocker(options.passphrasePrompt ?? promptOnTty());
  }

  async connect(host: HostSpec): Promise<Connection> {
    const releases: (() => void)[] = [];
    const releaseAll = (): void => releases.splice(0).forEach((release) => release());
    try {
      refuseProxyCommand(host);
      let via: Client | undefined;
      let chainKey = "";
      for (const hop of host.jump ?? []) {
        const previous = via;
        const label = `${host.name}: jump host ${hop.user}@${hop.address}:${hop.port}`;
        // A hop is shared only by hosts that reach and check it the same way.
        chainKey += `>${hop.user}@${hop.address}:${hop.port}|${hop.identityFiles.join(",")}|${hop.identitiesOnly ? 1 : 0}|${JSON.stringify(hop.hostKeys ?? {})}`;
        const lease = await this.hops.acquire(chainKey, async () => {
          const sock = previous ? await this.tunnel(previous, hop, host.name, label) : undefined;
          return this.open(host.name, label, hop, sock);
        });
        releases.push(lease.release);
        via = lease.client;
      }
      const sock = via ? await this.tunnel(via, host, host.name, `${host.name}: last jump host`) : undefined;
      const client = await this.open(host.name, host.name, host, sock);
      return new SshConnection(client, host, {
        maxSessions: this.options.maxSessions ?? 10,
        commandTimeoutMs: this.options.commandTimeoutMs ?? 120_000,
        maxOutputBytes: this.options.maxOutputBytes,
        keepaliveIntervalMs: this.keepaliveIntervalMs(),
        onClose: releaseAll,
      });
    } catch (err) {
      releaseAll();
      throw rehome(err, host.name);
    }
  }

  private tunnel(
    via: Client,
    to: { address: string; port: number },
    host: string,
    label: string,
  ): Promise<Duplex> {
    return forwardThrough(via, to.address, to.port, { host, label, timeoutMs: this.connectTimeout() });
  }

  private open(host: string, label: string, target: JumpHost, sock: Duplex | undefined): Promise<Client> {
    const explicit = target.identityFiles.map((file) => ({ file, implicit: false }));
    const identityFiles =
      explicit.length > 0
        ? explicit
        : DEFAULT_IDENTITIES.map((name) => ({ file: join(this.home, ".ssh", name), implicit: true }));
    const agentSocket =
      this.options.agentSocket === null ? undefined : (this.options.agentSocket ?? process.env.SSH_AUTH_SOCK);
    const auth = planAuth({
      username: target.user,
      identityFiles,
      identitiesOnly: target.identitiesOnly ?? false,
      agentSocket: agentSocket || undefined,
      unlocker: this.unlocker,
    });
    const where = `${target.address}:${target.port}`;
    return openClient({
      errors: { host, label, target: where, user: target.user, describeAuthFailure: auth.describeFailure },
      address: target.address,
      port: target.port,
      username: target.user,
      sock,
      auth,
      hostKey: this.hostKeyCheck(host, label, target),
      unlocker: this.unlocker,
      connectTimeoutMs: this.connectTimeout(),
      keepaliveIntervalMs: this.keepaliveIntervalMs(),
      keepaliveCountMax: this.options.keepaliveCountMax ?? 3,
      debug: this.options.debug && ((line: string) => this.options.debug!(host, line)),
    });
  }

  private hostKeyCheck(host: string, label: string, target: JumpHost): HostKeyCheck {
    const sources = hostKeySources(
      {
        knownHostsFile: this.options.knownHostsFile,
        globalKnownHostsFiles: this.options.globalKnownHostsFiles,
        policy: this.options.hostKeyPolicy,
        home: this.home,
      },
      target.hostKeys,
      target.address,
      target.port,
    );
    if (sources.policy === "off" && sources.policyFrom && !this.warnedOff.has(sources.policyFrom)) {
      this.warnedOff.add(sources.policyFrom);
      this.options.warn?.(
        `WARNING: StrictHostKeyChecking at ${sources.policyFrom} turns host-key checks off for ${label} ` +
          "(and every host it applies to): their keys are NOT verified. Pass --host-key-policy to override it.",
      );
    }
    const key = JSON.stringify([sources.userFiles, sources.globalFiles]);
    let store = this.stores.get(key);
    if (!store) {
      store = new KnownHostsStore({
        userFiles: sources.userFiles,
        globalFiles: sources.globalFiles,
        files: this.knownHostsFiles,
      });
      this.stores.set(key, store);
    }
    return { store, policy: sources.policy, host, label, name: sources.name };
  }

  private keepaliveIntervalMs(): number {
    return this.options.keepaliveIntervalMs ?? 15_000;
  }

  private connectTimeout(): number {
    return this.options.connectTimeoutMs ?? 15_000;
  }
}

/**
 * ProxyCommand (from ssh_config or the inventory) changes where we connect: connecting directly
 * instead would reach another machine, or none. The host fails before any connection is made.
 */
function refuseProxyCommand(host: HostSpec): void {
  const hop = [host, ...host.jump].find((h) => h.proxyCommand);
  if (!hop?.proxyCommand) return;
  const which = hop === host ? "" : ` for jump host ${hop.address}`;
  const who = hop.proxyCommand.source === "inventory" ? "the inventory" : "ssh_config";
  throw new HostError(
    "unsupported",
    host.name,
    `${host.name}: ${who} sets ProxyCommand${which} (${hop.proxyCommand.where}), which the ssh2 transport ` +
      "cannot honour; nothing was connected. Use --transport openssh or auto (the system ssh honours it), " +
      "or ProxyJump.",
  );
}

/** A shared jump hop failed for another host first: report it against this host. */
function rehome(err: unknown, host: string): unknown {
  if (!(err instanceof HostError) || err.host === host) return err;
  const message = err.message.startsWith(`${err.host}: `)
    ? err.message.slice(err.host.length + 2)
    : err.message;
  return new HostError(err.kind, host, `${host}: ${message}`, { cause: err });
}
