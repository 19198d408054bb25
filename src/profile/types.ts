// A debug profile after validation and normalisation: the desired state of one debug window.

export const FAMILIES = { ipv4: 2, arp: 3, netdev: 5, bridge: 7, ipv6: 10 } as const;
export type Family = keyof typeof FAMILIES;

/** A dynamic-debug selector; every present key is ANDed, as in the control file's query. */
export interface PrintkSelector {
  file?: string;
  /** A single line, or an inclusive range. */
  line?: number | [number, number];
  /**
   * Function names; a site matches when its function matches any one of them (kernels move their
   * pr_debug calls between functions: SCTP's do_basic_checks has sites on 6.1, none on 6.12).
   */
  func?: string[];
  module?: string;
  format?: string;
  /** Letters from "pflmtsd" to set on every matched site. */
  flags: string;
  /** A selector that may match nothing on some kernels: a warning there, not a refusal. */
  optional?: boolean;
}

/**
 * A capture of the packets nfnetlink_log sends to NFLOG (kind capture, src/kinds/capture/). The
 * group is always 0: conntrack logs without log info of its own, so nfnetlink_log uses its default.
 */
export interface CaptureSettings {
  nflogGroup: 0;
  /** Bytes kept of each NFLOG message. */
  snaplen: number;
  /** Most bytes the pcap may take on the host. */
  maxBytes: number;
  maxPackets: number;
}

export const CAPTURE_DEFAULTS = { snaplen: 512, maxBytes: 64 * 1024 ** 2, maxPackets: 100_000 } as const;

/**
 * A bounded tcpdump of one flow for the rest of the window (kind capture): what a runbook's
 * `capture` step adds to the open window, so that the INVALID packets of the NFLOG capture can be
 * read next to the flow they belong to.
 */
export interface FlowCapture {
  /** Names its files: flow-NAME.pcap on the host, pcap/HOST.flow-NAME.pcap in the bundle. */
  name: string;
  /** The interface tcpdump listens on (`any` for all). */
  interface: string;
  /** A BPF filter expression in tcpdump's syntax, handed to tcpdump as one argument. */
  filter: string;
  snaplen: number;
  maxBytes: number;
  maxPackets: number;
}

/**
 * The log budget the host enforces by itself (src/engine/host/budget.sh): more than `max` lines
 * per `perSeconds` (averaged over one sample) or more than `maxLines` in the window reverts the
 * window early, recorded as tripped.
 */
export interface LogBudget {
  max: number;
  /** 1 (N/s) or 60 (N/min). */
  perSeconds: 1 | 60;
  maxLines: number;
  /** Seconds between two samples. */
  intervalSeconds: number;
}

/**
 * The budget of a profile that names none but turns log_invalid on: INVALID logging is the knob that
 * can flood the log (one line per packet, no rate limit in the kernel). 2000 lines/s of ~250 bytes
 * is ~0.5 MB/s, far more than an investigation reads; 5,000,000 lines (~1.2 GB) is under a third of
 * journald's default 4 GB cap, so one window cannot rotate away most of the journal. A sample costs
 * the host about 7-12 ms of CPU, most of it forking the sleep between samples: every 20 s that is
 * ~0.05 % of a core, every 10 s ~0.07-0.13 % (BENCHMARKS.md). A flood is ended within one interval.
 */
export const DEFAULT_BUDGET: LogBudget = {
  max: 2000,
  perSeconds: 1,
  maxLines: 5_000_000,
  intervalSeconds: 20,
};

export interface Profile {
  name: string;
  description?: string;
  /** 0..255 (0 off, 255 all); absent = not managed. */
  logInvalid?: number;
  /** Backend per family: a logger name or "NONE"; absent family = not managed. */
  nfLog?: Partial<Record<Family, string>>;
  /** Capture of the NFLOG group nfnetlink_log logs to; required when nfLog binds nfnetlink_log. */
  capture?: CaptureSettings;
  /** Flow captures a runbook's capture steps add to the window (never written in a profile file). */
  flows?: FlowCapture[];
  nfLogAllNetns?: boolean;
  /**
   * Conntrack sysctls by profile field (`conntrack: { acct: true }`), booleans as 0/1. Which
   * fields exist and what they set is the sysctl kind's (src/kinds/sysctl/conntrack.ts).
   */
  conntrack?: Record<string, number>;
  /** Module names as written (aliases resolved on the host). */
  modules?: string[];
  printk?: PrintkSelector[];
  /** Default window length in ms. */
  windowMs?: number;
  /** The log budget as written: "off", or a budget (fields left out take DEFAULT_BUDGET's). */
  budget?: LogBudget | "off";
}

/** The budget a window of this profile runs under, or null for none. */
export function windowBudget(profile: Profile): LogBudget | null {
  if (profile.budget === "off") return null;
  if (profile.budget) return profile.budget;
  return profile.logInvalid ? DEFAULT_BUDGET : null;
}

/** "2,000/s", "500/min": a budget's rate as people read it. */
export function budgetRate(budget: LogBudget): string {
  return `${budget.max.toLocaleString("en-US")}/${budget.perSeconds === 60 ? "min" : "s"}`;
}
