// What a report is made of: the run's hosts, steps, records and counters. The bundle (bundle.ts)
// stores it on disk; buildReport (summary.ts) turns it into a Report for the renderers.
import type { CounterName } from "../logs/counters.js";
import type { LogRecord } from "../logs/record.js";
import type { Profile } from "../profile/types.js";
import type { Timeline } from "./timeline.js";
import type { BudgetTrip } from "../engine/status.js";

/**
 * Deltas of the KEY_COUNTERS over the window (absent when the kernel has no such column) plus
 * nf_conntrack_count/max at the end.
 */
export type ReportCounters = { [K in CounterName]?: number } & { count?: number; max?: number };

export interface ReportChange {
  /** Resource kind, e.g. "sysctl", "nf_log", "module", "printk". */
  knob: string;
  /** What was changed, e.g. "net.netfilter.nf_conntrack_log_invalid". */
  key: string;
  /** Value before apply; null when the thing did not exist (a module not loaded). */
  from: string | null;
  to: string | null;
}

/**
 * true: reverted by nfdebug; "expired": by the host's own timer; "tripped": by the host, early,
 * for going over its log budget (the host's trip says how); "failed": revert failed.
 */
export type RevertOutcome = boolean | "expired" | "tripped" | "failed";

/** A host's NFLOG capture (kind capture): which backend delivered its packets, and how many. */
export interface ReportCapture {
  backend: "nfnetlink_log";
  /** tcpdump's counters when it stopped; absent when it had not stopped at the last collect. */
  captured?: number;
  droppedByKernel?: number;
  /** tcpdump stopped at the profile's bound (max_packets / max_bytes): later packets were not captured. */
  cutByBounds: boolean;
  /** Bytes of the host's pcap in the bundle, and the packets it holds. */
  bytes: number;
  /**
   * Fewer than `captured` when tcpdump could not write them all (a full disk on the host: tcpdump
   * goes on, its writes fail).
   */
  inFile?: number;
  /** The bundle's file, relative to the bundle ("pcap/h001.pcap"). */
  pcap?: string;
}

/**
 * A flow capture of the host (a runbook's capture step): tcpdump on an interface with a BPF filter,
 * beside the NFLOG capture, and what links the two: the connections both name.
 */
export interface ReportFlow {
  name: string;
  interface: string;
  filter: string;
  captured?: number;
  droppedByKernel?: number;
  cutByBounds: boolean;
  /** Packets in the bundle's pcap. */
  inFile: number;
  pcap?: string;
  /** The host's INVALID records with a connection (addresses), and those whose connection the flow holds. */
  invalid: number;
  invalidInFlow: number;
}

export interface ReportHost {
  name: string;
  ok: boolean;
  /** kind is a HostErrorKind (src/errors.ts) when it came from a HostError. */
  error?: { kind: string; message: string };
  changes: ReportChange[];
  reverted: RevertOutcome;
  /** reverted "tripped": how the window went over its log budget, as the host measured it. */
  trip?: BudgetTrip;
  counters?: ReportCounters;
  /** `uname -r`, stated beside the counters. */
  kernel?: string;
  /**
   * The kernel log collect read ("<boot id>/<source>"). Hosts with the same one are namespaces
   * or containers of one machine: every line was counted once, for the first host that read it.
   */
  kernelLog?: string;
  capture?: ReportCapture;
  flows?: ReportFlow[];
}

export interface ReportStep {
  name: string;
  ok: boolean;
  startedAt: string;
  endedAt: string;
  message?: string;
}

export interface ReasonInfo {
  /** Short name, e.g. "ACK over upper bound". */
  label?: string;
  /** What the kernel checked. */
  explanation?: string;
  /** What usually causes it. */
  hint?: string;
}

export interface ReportInput {
  runbook: { name: string; question: string; description?: string };
  profile: Partial<Profile> & { name: string };
  /** ISO 8601, the whole run. */
  startedAt: string;
  endedAt: string;
  /** The debug window (apply → end of collection); defaults to startedAt..endedAt. */
  window?: { startedAt: string; endedAt: string };
  hosts: ReportHost[];
  /** Iterated once by buildReport/writeReports/writeBundle each: pass an array to call several. */
  records: Iterable<LogRecord>;
  steps: ReportStep[];
  /**
   * reason_id → what the reason catalogue (src/logs/catalogue.ts) says about it. Without a label
   * the report derives one from the kernel's text; explanation and hint are shown when given.
   */
  reasonInfo?: Record<string, ReasonInfo>;
  nfdebugVersion?: string;
}

// What buildReport (summary.ts) makes of a ReportInput, and the renderers show.

export interface ReasonRow {
  id: string;
  label: string;
  kind: LogRecord["kind"];
  protocols: string[];
  count: number;
  /** Sorted host names that logged it. */
  hosts: string[];
  /** The most frequent source address and how many of this reason's records it sent. */
  topSource: { addr: string; count: number } | null;
  /** One raw kernel line, as an example. */
  example: string;
  /** From the reason catalogue, when the input carried it. */
  explanation?: string;
  hint?: string;
}

export interface FlowRow {
  protocol: string;
  src: string | null;
  sport: number | null;
  dst: string | null;
  dport: number | null;
  count: number;
  hosts: string[];
  reasons: string[];
}

export interface HostRow extends ReportHost {
  /** false for a host that appears in records but not in the run's host list. */
  inInventory: boolean;
  /** Lines counted for this host: on a shared kernel log, those it read first. */
  records: number;
  byReason: Record<string, number>;
  /** Every host (this one included) reading the same kernel log, when more than one does. */
  sharedLog?: string[];
}

/** A run's hosts of one kernel version (byKernel.ts). */
export interface KernelGroup {
  /** "6.12" from a release such as "6.12.117+deb13-amd64"; "unknown" when a host did not say. */
  kernel: string;
  /** The releases of the group's hosts, as they said them. */
  releases: string[];
  hosts: string[];
  records: number;
  byReason: Record<string, number>;
}

export interface Report {
  runbook: ReportInput["runbook"];
  profile: ReportInput["profile"];
  startedAt: string;
  endedAt: string;
  window: { startMs: number; endMs: number };
  steps: ReportInput["steps"];
  nfdebugVersion?: string;
  totals: {
    records: number;
    invalid: number;
    printk: number;
    /** INVALID packets per protocol, largest first. */
    protocols: Array<{ name: string; count: number }>;
  };
  /** Largest first. */
  reasons: ReasonRow[];
  /** The busiest flows, largest first; flowCount is how many distinct flows there were. */
  flows: FlowRow[];
  flowCount: number;
  /** Only the busiest flows were kept (a very large log): rarer flows may be undercounted, and flowCount counts a dropped flow that came back twice. */
  flowsApproximate?: boolean;
  hosts: HostRow[];
  /** Hosts grouped by kernel version with their records per reason; empty when all run one. */
  kernels: KernelGroup[];
  timeline: Timeline;
  verdict: string;
}
