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
}
