// The public shape of a namespace test fleet: what a test asks for and what it gets back.
import type { HostSpec } from "../../../src/inventory/types.js";

export interface FleetOptions {
  /** Hosts that root logs into (h001, h002, ...). 0 is allowed when only a sudo host is wanted. */
  count: number;
  /** Add host "hsudo": user nfdtest (shell /bin/sh) with `NOPASSWD: ALL` sudo; become: true. */
  sudoHost?: boolean;
  /** Add host "hsudopw": user nfdtestpw whose sudo asks for a password (for failure tests). */
  sudoPasswordHost?: boolean;
  /** Set net.netfilter.nf_log_all_netns=1 in the initial namespace while the fleet lives. */
  allNetnsLogging?: boolean;
  /** Where keys, inventory and per-host roots go. Must be absent or empty. Default: a temp dir. */
  dir?: string;
  /** One host key for every host instead of one each (a little faster; wrong-key tests need per-host). */
  sharedHostKey?: boolean;
  /** Survive this process (no exit hooks); stop later with stopFleetInDir(dir). For scripts/fleet.mjs. */
  persistent?: boolean;
  /** Host roots written in parallel while starting (default 16); no step spawns a process per host. */
  concurrency?: number;
}

export type HostRole = "root" | "sudo" | "sudo-password";

export interface FleetHost {
  /** Inventory name and the host's hostname (UTS namespace). */
  name: string;
  /** Network namespace name, unique per run: nfd-<pid>-<rand>-<name>. */
  netns: string;
  address: "127.0.0.1";
  port: number;
  user: string;
  become: boolean;
  role: HostRole;
  /** The host's private directory on this machine; DIR/run is the host's /run. */
  dir: string;
  runDir: string;
  /** Host public key line ("ssh-ed25519 AAAA...") and its SHA256 fingerprint as OpenSSH prints it. */
  hostKey: string;
  hostKeyFingerprint: string;
  /** This host's own known_hosts file (one line): handy for wrong-key tests. */
  knownHostsFile: string;
}

/** Kinds of real INVALID packets a host can make; see packets.ts for the exact kernel lines. */
export type InvalidKind =
  | "tcp-bad-flags"
  | "tcp-out-of-window"
  | "tcp-seq-out-of-window"
  | "udp-bad-checksum"
  | "icmp"
  | "icmp-short"
  | "icmp-bad-checksum";

export interface InvalidExpectation {
  kind: InvalidKind;
  /** L4 protocol number in the `nf_ct_proto_N:` prefix. */
  l4proto: number;
  /** Matches the reason text that follows the prefix on kernel 6.18. */
  reason: RegExp;
  /** Kernel lines per packet when logging is on (2 when it passes OUTPUT and PREROUTING on lo). */
  linesPerPacket: number;
  /** Column of /proc/net/stat/nf_conntrack that rises, and by how much per packet. */
  counter: "invalid" | "icmp_error";
  counterPerPacket: number;
}

export interface InvalidResult extends InvalidExpectation {
  packets: number;
  /** Flows the packets used (the ports appear in the kernel lines). */
  flows: { src: string; sport: number; dst: string; dport: number }[];
}

export interface CutOffOptions {
  /** refuse: nothing listens (connection refused). drop: packets to the port vanish (timeouts). */
  mode?: "refuse" | "drop";
}

export interface NsExecOptions {
  input?: string;
  timeoutMs?: number;
}

export interface NsExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface Fleet {
  readonly runId: string;
  readonly dir: string;
  readonly hosts: FleetHost[];
  /** Every host; groups: "fleet" plus the role ("root", "sudo", "sudo_password"). */
  readonly inventoryFile: string;
  readonly knownHostsFile: string;
  /** The same entries, hashed (|1|salt|hmac). */
  readonly hashedKnownHostsFile: string;
  readonly identityFile: string;
  host(name: string): FleetHost;
  /** The host as the engine sees it (src/inventory/types.ts). */
  hostSpec(host: FleetHost | string): HostSpec;
  /** Write an inventory of some hosts (default all) to FILE; returns FILE. */
  writeInventory(file: string, hosts?: (FleetHost | string)[]): string;
  /** Run argv inside the host (its netns, hostname and /run, /var/lib, home). Throws on non-zero exit. */
  nsExec(host: FleetHost | string, argv: string[], options?: NsExecOptions): Promise<string>;
  nsRun(host: FleetHost | string, argv: string[], options?: NsExecOptions): Promise<NsExecResult>;
  /** SIGKILL every sshd process of the host (its open sessions drop; new ones are still accepted). */
  killSshd(host: FleetHost | string): Promise<number>;
  cutOff(host: FleetHost | string, options?: CutOffOptions): Promise<void>;
  restore(host: FleetHost | string): Promise<void>;
  /**
   * Later logins run `command` instead of what the client asked (authorized_keys `command="…"`),
   * e.g. a host that answers with junk; null gives the host its ordinary logins back.
   */
  forceCommand(host: FleetHost | string, command: string | null): Promise<void>;
  /** Add the nftables table that makes conntrack track the host (idempotent). */
  trackConntrack(host: FleetHost | string): Promise<void>;
  makeInvalid(
    host: FleetHost | string,
    kind: InvalidKind,
    options?: { count?: number },
  ): Promise<InvalidResult>;
  /** /proc/net/stat/nf_conntrack of the host, summed over CPUs, by column name. */
  conntrackStats(host: FleetHost | string): Promise<Record<string, number>>;
  /** Idempotent; removes every namespace, process, mount, user and file the fleet made. */
  stop(): Promise<void>;
  /** What of this fleet still exists ([] after stop): netns, processes, mounts, users, files. */
  leftovers(): string[];
}
