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

export interface Profile {
  name: string;
  description?: string;
  /** 0..255 (0 off, 255 all); absent = not managed. */
  logInvalid?: number;
  /** Backend per family: a logger name or "NONE"; absent family = not managed. */
  nfLog?: Partial<Record<Family, string>>;
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
