import type { SourceDetection } from "../logs/sources/detect.js";

// What nfdebug knows about one host, read in one round trip by src/engine/host/facts.sh.

export interface PrintkSite {
  file: string;
  line: number;
  module: string;
  func: string;
  /** Flags as the kernel prints them without "=": "_" for none, else letters in kernel order. */
  flags: string;
  format: string;
}

export interface LoggerFamily {
  /** Bound logger name or "NONE". */
  bound: string;
  registered: string[];
}

export interface JournalEntry {
  /** The change type as journaled: "KIND:KNOB" ("sysctl:nf_log"), or the kind alone (older journals). */
  kind: string;
  key: string;
  from: string;
  to: string;
}

export interface WindowState {
  id: string;
  owner: string;
  profile: string;
  started: number;
  expires: number;
  bootId: string;
  state: string;
  timerUnit?: string;
  watchdogPid?: number;
  /** The dead-man's switch: alive, dead (killed, or lost), or none (--no-timer). */
  switch?: "alive" | "dead" | "none";
}

export interface HistoryEvent {
  event: "opened" | "closed" | "extended";
  window: string;
  at: number;
  /** opened: boot id; closed: how (reverted, expired, reboot, ...-drift); extended: new expiry. */
  detail: string;
  fields: string[];
}

export interface HostFacts {
  kernel: string;
  bootId: string;
  /** Host clock, epoch seconds, when the facts were read. */
  now: number;
  uid: number;
  /** Values under /proc/sys/net/netfilter, keyed by path below it ("nf_log/2"). */
  sysctl: Record<string, string>;
  /** nf_log_all_netns exists only in the initial network namespace. */
  initialNetns: boolean;
  /** /proc/net/netfilter/nf_log by family number. */
  loggers: Record<number, LoggerFamily>;
  /** null when the kernel has no module support (/proc/modules absent). */
  modules: Record<string, number> | null;
  builtinModules: string[];
  /** Modules asked about that have /sys/module/NAME. */
  sysModules: string[];
  printk: { control: string | null; sites: PrintkSite[] };
  tools: string[];
  window: WindowState | null;
  journal: JournalEntry[];
  history: HistoryEvent[];
  /** Kernel log sources, most preferred first (null when detection printed nothing usable). */
  logSources: SourceDetection | null;
  /** First lines of the revert.sh and expire.sh installed on the host (each names its content hash). */
  installedScripts: string[];
  /** A window past its expiry that the facts script found unreverted and reverted first. */
  overdue: { window: string; outcome: string } | null;
}
